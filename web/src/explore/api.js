// The explorer's only way to the data: the public GraphQL API, as any
// front-end would use it.

/** GraphQLError is an error the API returned, with its extensions.code. */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.code = errors[0]?.extensions?.code;
  }
}

/** gql runs one query against POST /graphql and returns its data. */
export async function gql(query, variables = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`HTTP ${res.status}`);
  }
  if (body.errors?.length) throw new GraphQLError(body.errors);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return body.data;
}

/** SOURCES is the selection of a record's or relationship's sources. */
export const SOURCES = 'sources { title url quote confidence field note }';
