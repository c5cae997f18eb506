// The one bundle both React shims re-export from (see react-esm.mjs).
export * as React from 'react';
export * as ReactDOMClient from 'react-dom/client';
