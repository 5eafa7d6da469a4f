/* « Copier » buttons: `data-copy="<id of a field>"` copies that field's value and says so
 * in the button's live region. The button is hidden without JavaScript or a clipboard
 * (the field stays readonly and selectable). */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) {
            status.textContent = "Lien copié dans le presse-papiers.";
          }
        },
        function () {
          field.select();
          if (status) {
            status.textContent = "Copie impossible : le lien est sélectionné, copiez-le avec Ctrl+C.";
          }
        }
      );
    });
  });
})();
