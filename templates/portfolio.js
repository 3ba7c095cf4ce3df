// The portfolio dashboard's table sorts by any column: each header becomes a button (with
// scripts off the table keeps its order: the plans that are not ready first). Cells carry the
// value they sort by in `data-sort`; the others sort by their text.
(() => {
  const table = document.querySelector("table[data-sortable]");
  if (!table) return;
  const body = table.tBodies[0];
  const headers = [...table.tHead.rows[0].cells];
  const key = (row, column) => {
    const cell = row.cells[column];
    const value = cell.dataset.sort ?? cell.textContent.trim().toLowerCase();
    const number = Number(value);
    return value !== "" && !Number.isNaN(number) ? number : value;
  };
  headers.forEach((th, column) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.append(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = [...body.rows].sort((a, b) => {
        const [x, y] = [key(a, column), key(b, column)];
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
})();
