// A hash worker that goes silent: it ends itself without a word, as an out-of-memory kill looks from the page.
self.addEventListener('message', () => self.close());
