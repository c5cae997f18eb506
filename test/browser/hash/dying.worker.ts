// A hash worker that dies: it throws on its first request, as a crashed engine would.
self.addEventListener('message', () => {
  throw new Error('engine crashed on purpose');
});
