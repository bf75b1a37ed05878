// Keeps the tracking page current: the server sends the page's changing part (#tracking) each
// time the order moves, and "gone" once the link has expired.
(() => {
  const live = document.getElementById("tracking");
  if (!live || !window.EventSource) return;
  const source = new EventSource(location.pathname.replace(/\/$/, "") + "/events");
  source.addEventListener("update", (event) => {
    live.innerHTML = event.data;
  });
  source.addEventListener("gone", () => source.close());
})();
