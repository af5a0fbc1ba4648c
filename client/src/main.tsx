import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared stylesheet first: each page's own (imported beside it) comes after and builds on it.
import '@/styles/app.css';
import { App } from '@/app/App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
