// The console's only script besides Blazor's: live tails over the API's SSE stream (EventSource, ticket flow) and
// scrolling the virtualized timeline to a row. Messages go to .NET in arrival order, one batch at a time.

export function tail(dotnet, url, types) {
  const state = { opens: 0, errors: 0, received: 0, queue: [], sending: false, closed: false };
  const source = new EventSource(url);
  const pump = async () => {
    if (state.sending || state.closed) return;
    state.sending = true;
    try {
      while (state.queue.length && !state.closed) {
        const batch = state.queue.splice(0, state.queue.length);
        await dotnet.invokeMethodAsync('OnMessages', batch);
      }
    } catch (e) { /* circuit gone: the page is closing */ }
    state.sending = false;
  };
  source.onopen = () => { state.opens++; dotnet.invokeMethodAsync('OnConnection', state.opens, state.errors).catch(() => {}); };
  source.onerror = () => { state.errors++; dotnet.invokeMethodAsync('OnConnection', state.opens, state.errors).catch(() => {}); };
  for (const type of types) {
    source.addEventListener(type, e => { state.received++; state.queue.push({ type, id: e.lastEventId, data: e.data }); pump(); });
  }
  window.__tracingTails = (window.__tracingTails || []);
  window.__tracingTails.push(state);
  return { close() { state.closed = true; source.close(); }, stats() { return { opens: state.opens, errors: state.errors }; } };
}

export function scrollToRow(container, index, rowHeight) {
  if (!container) return;
  container.scrollTop = Math.max(0, index * rowHeight - container.clientHeight / 3);
}

export function focus(element) { if (element) element.focus(); }
