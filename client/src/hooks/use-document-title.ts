import { useEffect } from 'react';

/** "Images · Likeness": the tab and screen readers say which page this is. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Likeness` : 'Likeness';
  }, [title]);
}
