/* Tables read as stacked lists on a small screen: each data cell gets its column's
 * heading as `data-label` (shown before it by passeport.css under 48em), and the table's
 * wrapper the class that stacks it. Without JavaScript, tables keep the DSFR's own
 * scrolling wrapper. */
(function () {
  "use strict";
  document.querySelectorAll(".fr-table").forEach(function (wrapper) {
    var table = wrapper.querySelector("table");
    if (!table || !table.tHead) {
      return;
    }
    var headings = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && headings[index] && cell.colSpan === 1) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });
    wrapper.classList.add("pp-table--stacked");
  });
})();
