// A table (or chart) wider than its box scrolls inside it (see app.css): make that box reachable and named for keyboard
// and screen-reader users. Without JavaScript the table still scrolls; this only adds the focus stop.
(function () {
  function enhance() {
    document.querySelectorAll("main table, main figure").forEach(function (table) {
      if (table.hasAttribute("tabindex") || table.closest("[role=region]")) return;
      if (table.scrollWidth <= table.clientWidth || getComputedStyle(table).overflowX !== "auto") return;
      table.setAttribute("tabindex", "0");
      table.setAttribute("role", "region");
      var caption = table.querySelector("caption, figcaption");
      var label = caption ? caption.textContent.trim() : "";
      table.setAttribute("aria-label", label || document.body.dataset.tableLabel || "Tableau");
    });
  }
  // Widths are final once styles and fonts are in: measure then, and again when the window is resized.
  window.addEventListener("load", enhance);
  window.addEventListener("resize", enhance);

  // A bar kept at the bottom of the screen (the quarter page's save bar) never hides the field being filled:
  // the page scrolls the field above it when it takes the focus behind it.
  document.addEventListener("focusin", function (event) {
    var bar = document.querySelector(".quarter-save");
    if (!bar || bar.contains(event.target) || getComputedStyle(bar).position !== "sticky") return;
    var field = event.target.getBoundingClientRect();
    var top = bar.getBoundingClientRect().top;
    if (field.bottom > top && field.top < bar.getBoundingClientRect().bottom) {
      window.scrollBy({ top: field.bottom - top + 16, behavior: "instant" });
    }
  });

  // A "Copier" button copies the field it names (data-copy="#id") and says so; without JavaScript, the field is
  // selected text to copy by hand, and the button stays hidden.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied;
      });
    });
  });

  // The export page, reached by its own refresh while the file was being prepared, starts the download once the
  // file is ready (the link stays there if the browser blocks it).
  var download = document.querySelector("[data-auto-download]");
  if (download) download.click();

  // "Cocher toutes les actions de la page": ticks or unticks every box of its form (shown only with JavaScript).
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var boxes = document.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"]');
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
