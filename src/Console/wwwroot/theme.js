// Runs before first paint: the saved theme, else the system's preference. No framework, no network.
window.tracingTheme = {
  apply(t) { document.documentElement.dataset.theme = t; },
  current() { return localStorage.getItem('tracing-theme') || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'); },
  toggle() { const t = this.current() === 'dark' ? 'light' : 'dark'; localStorage.setItem('tracing-theme', t); this.apply(t); },
};
tracingTheme.apply(tracingTheme.current());
