// Starts the WebAssembly app. A file rather than an inline script, so the page can run under a
// strict Content-Security-Policy; a failure replaces the splash's "Starting…" with the reason.
import init from '/assent-app.js';

init({ module_or_path: '/assent-app_bg.wasm' }).catch((error) => {
  const note = document.getElementById('splash-note');
  if (note) {
    note.setAttribute('role', 'alert');
    note.textContent = navigator.onLine
      ? `Assent could not start in this browser (${error?.message ?? error}). Update the browser and try again.`
      : 'You are offline and Assent is not stored on this device yet. Connect once, then it also opens offline.';
  }
  console.error(error);
});
