// An enhancement only: without it the choice still travels in the address and the bar sits
// after the results. With it, the bar sticks to the bottom of the screen from the first tick
// and counts the listings chosen.
(function () {
  const form = document.getElementById("compare-form");
  if (!form) return;
  const count = form.querySelector(".compare-count");
  const total = count.textContent.replace(/^\d+/, "");
  const chosen = () =>
    document.querySelectorAll('input[type=hidden][name=o][form="compare-form"]').length +
    document.querySelectorAll('input[type=checkbox][form="compare-form"]:checked').length;
  document.addEventListener("change", (event) => {
    if (event.target.form !== form) return;
    const n = chosen();
    form.classList.toggle("is-active", n > 0);
    count.textContent = n + total;
  });
})();
