(() => {
  const doc = document;
  if (doc.body.dataset.wbUnitPick) return;
  doc.body.dataset.wbUnitPick = "1";
  doc.addEventListener("click", (event) => {
    const unit = event.target.closest && event.target.closest(".wb-pickable .wb-unit");
    const field = doc.querySelector(".st-key-articles_pick input");
    const id = unit && [...unit.classList].map((name) => /^wb-u-(\d+)$/.exec(name)).find(Boolean);
    if (!id || !field) return;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(field, id[1]);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", keyCode: 13, bubbles: true }));
  });
})();
