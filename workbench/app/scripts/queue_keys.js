(() => {
  const doc = document;
  if (doc.body.dataset.wbQueueKeys) return;
  doc.body.dataset.wbQueueKeys = "1";
  // A key that writes a verdict (or skips) clicks the button keyed by the claim on screen, found
  // here, so the press can only apply to that claim. Streamlit's own shortcut would miss a press
  // made before the buttons were mounted (the first seconds after signing in), so the key is
  // handled here alone: it waits for the claim's button, or is dropped with a visible sign while
  // the card is re-running (stale) or a press on the drawn card is still on its way. The server
  // drops any press whose claim is no longer shown (see on_label).
  const CLAIM_BUTTONS = __CLAIM_BUTTONS__;
  const BUTTON_WAIT_MS = 10000;
  let pending = null;  // {render, at}: a press sent for the card drawn as `render`
  const sign = (text) => {
    let box = doc.getElementById("wb-key-sign");
    if (!box) {
      box = doc.createElement("div");
      box.id = "wb-key-sign";
      box.setAttribute("role", "status");
      box.style.cssText = "position:fixed;left:50%;bottom:1.2rem;transform:translateX(-50%);z-index:1000;" +
        "background:#1f2937;color:#fff;padding:.45rem .9rem;border-radius:6px;font-size:.9rem;pointer-events:none";
      doc.body.appendChild(box);
    }
    box.textContent = text;
    box.style.display = "block";
    clearTimeout(box.wbTimer);
    box.wbTimer = setTimeout(() => { box.style.display = "none"; }, 1800);
  };
  const scrollClaimIntoView = () => {
    const mark = doc.querySelector("mark.wb-claim");
    const box = mark && mark.closest(".wb-context");
    if (!box || box.dataset.wbScrolled === mark.dataset.render) return;
    box.dataset.wbScrolled = mark.dataset.render;
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
  };
  new MutationObserver(scrollClaimIntoView).observe(doc.body, { childList: true, subtree: true });
  // Click the claim's button once it is mounted, while the same drawing of the card is on screen.
  const clickWhenMounted = (render, selector, began) => {
    const mark = doc.querySelector("mark.wb-claim");
    const button = doc.querySelector(selector);
    if (!mark || mark.dataset.render !== render || Date.now() - began > BUTTON_WAIT_MS) {
      pending = null;
      sign("Key ignored: the claim changed before it could be saved. Nothing was saved.");
      return;
    }
    if (button && !button.disabled) { button.click(); return; }
    setTimeout(() => clickWhenMounted(render, selector, began), 25);
  };
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
    if (typing && event.key === "Escape") { target.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const focus = { n: ".st-key-queue_note textarea", e: ".st-key-queue_evidence textarea" }[key];
    const field = focus && doc.querySelector(focus);
    if (field) { event.preventDefault(); field.focus(); return; }
    if (!(key in CLAIM_BUTTONS)) return;
    const mark = doc.querySelector("mark.wb-claim");
    if (!mark) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // this key is handled here only, never twice
    if (event.repeat) return;
    const card = mark.closest('[data-testid="stElementContainer"]');
    const stale = card && card.getAttribute("data-stale") === "true";
    const waiting = pending && pending.render === mark.dataset.render && Date.now() - pending.at < 3000;
    if (stale || waiting) {
      sign("Key ignored: the next claim is still loading. Nothing was saved for it.");
      return;
    }
    pending = { render: mark.dataset.render, at: Date.now() };
    clickWhenMounted(mark.dataset.render, `.st-key-${CLAIM_BUTTONS[key]}${mark.dataset.claim} button`, Date.now());
  }, true);
})();
