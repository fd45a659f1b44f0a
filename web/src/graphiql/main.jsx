// GraphiQL served by famigraph itself: everything it needs is bundled here,
// nothing is loaded from another host. The README's example queries open as
// tabs.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import examples from '../generated/examples.json';

const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.href).href });

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={examples.map((e) => ({ query: e.query }))}
    defaultEditorToolsVisibility={false}
  >
    <GraphiQL.Logo>
      <span className="famigraph-logo">
        famigraph <a href="/explore">explorer</a>
      </span>
    </GraphiQL.Logo>
  </GraphiQL>,
);
