// An enhancement only: on a phone the filters start folded, so the results come first.
// Without JavaScript (or on a wide screen) the filters stay open and everything still works.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("details.more-filters");
  if (panel && window.matchMedia("(max-width: 47.99rem)").matches) {
    panel.open = false;
  }
});
