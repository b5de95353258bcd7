(() => {
  const doc = document;
  if (doc.body.dataset.wbAdjudicationKeys) return;
  doc.body.dataset.wbAdjudicationKeys = "1";
  doc.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
    if (typing && event.key === "Escape") { target.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== "w") return;
    const field = doc.querySelector(".st-key-adjudication_case textarea");
    if (field) { event.preventDefault(); field.focus(); }
  }, true);
})();
