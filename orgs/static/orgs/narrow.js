// An enhancement only: without it each long list of tick boxes (the countries), once its
// <details> is opened, shows every choice in its scrolling box, and the form works the same.
// With it, a box above the list (inside the same <details>)
// narrows it to the names containing what is typed (accents and case aside); ticked choices
// stay in view. The box has no name, so it never becomes part of the search.
(function () {
  const plain = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  document.querySelectorAll(".facet.long").forEach((fieldset) => {
    const list = fieldset.querySelector(".choices");
    const choices = Array.from(list.querySelectorAll("label"), (label) => ({
      label,
      box: label.querySelector("input"),
      name: plain(label.firstChild.nextSibling.textContent),
    }));
    const field = document.createElement("p");
    field.className = "field narrow";
    const input = document.createElement("input");
    input.type = "search";
    input.id = list.id + "-narrow";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", list.id);
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = "Type to narrow the list";
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    field.append(label, input, status);
    fieldset.insertBefore(field, list);
    input.addEventListener("input", () => {
      const typed = plain(input.value.trim());
      let shown = 0;
      for (const choice of choices) {
        choice.label.hidden = typed !== "" && !choice.box.checked && !choice.name.includes(typed);
        shown += !choice.label.hidden;
      }
      status.textContent = typed ? shown + " shown" : "";
    });
    // Enter in this box narrows; it does not send the form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  });
})();
