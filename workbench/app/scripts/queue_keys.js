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
  //
  // Read ahead: the card carries the next claim's markup (.wb-ahead). Once a press is sent, that
  // claim is shown at once, marked data-ahead, while the rest of the card (dimmed, not clickable:
  // class wb-reading-ahead) still belongs to the claim just left. A press on the claim read ahead
  // waits until the server has drawn its card and buttons, and is dropped if another claim comes.
  const CLAIM_BUTTONS = __CLAIM_BUTTONS__;
  const BUTTON_WAIT_MS = 10000;
  const READING_AHEAD = "wb-reading-ahead";
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
  const showAhead = (claim) => {
    const ahead = doc.querySelector(`.wb-ahead[data-after="${claim}"]`);
    const card = ahead && ahead.parentElement.querySelector(".wb-card");
    if (!card) return;
    card.innerHTML = ahead.dataset.html;
    ahead.remove();
    const mark = card.querySelector("mark.wb-claim");
    if (mark) mark.dataset.ahead = "1";
    doc.body.classList.add(READING_AHEAD);
    scrollClaimIntoView();
  };
  const readingAhead = () => !!doc.querySelector("mark.wb-claim[data-ahead]");
  new MutationObserver(() => {
    scrollClaimIntoView();
    if (!readingAhead()) doc.body.classList.remove(READING_AHEAD);
  }).observe(doc.body, { childList: true, subtree: true });
  // Click the claim's button once it is mounted, while the same claim (and, unless it was read
  // ahead, the same drawing of its card) is on screen; then show the claim read ahead after it.
  const clickWhenMounted = (shown, selector, began) => {
    const mark = doc.querySelector("mark.wb-claim");
    const same = mark && mark.dataset.claim === shown.claim && (shown.ahead || mark.dataset.render === shown.render);
    if (!same || Date.now() - began > BUTTON_WAIT_MS) {
      pending = null;
      sign("Key ignored: the claim changed before it could be saved. Nothing was saved.");
      return;
    }
    const button = doc.querySelector(selector);
    if (button && !button.disabled && !mark.dataset.ahead) {
      button.click();
      setTimeout(() => showAhead(shown.claim), 0);  // after the press is on its way to the server
      return;
    }
    setTimeout(() => clickWhenMounted(shown, selector, began), 25);
  };
  // Typing waits for the claim's own fields: the note of the claim just left must not get it.
  const focusWhenDrawn = (selector, began) => {
    const field = doc.querySelector(selector);
    if (field && !readingAhead()) { field.focus(); return; }
    if (Date.now() - began < BUTTON_WAIT_MS) setTimeout(() => focusWhenDrawn(selector, began), 25);
  };
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
    if (typing && event.key === "Escape") { target.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const focus = { n: ".st-key-queue_note textarea", e: ".st-key-queue_evidence textarea" }[key];
    if (focus && doc.querySelector(focus)) { event.preventDefault(); focusWhenDrawn(focus, Date.now()); return; }
    if (!(key in CLAIM_BUTTONS)) return;
    const mark = doc.querySelector("mark.wb-claim");
    if (!mark) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // this key is handled here only, never twice
    if (event.repeat) return;
    const ahead = !!mark.dataset.ahead;
    const card = mark.closest('[data-testid="stElementContainer"]');
    const stale = !ahead && card && card.getAttribute("data-stale") === "true";
    const waiting = pending && pending.render === mark.dataset.render && Date.now() - pending.at < 3000;
    if (stale || waiting) {
      sign("Key ignored: the next claim is still loading. Nothing was saved for it.");
      return;
    }
    pending = { render: mark.dataset.render, at: Date.now() };
    const shown = { claim: mark.dataset.claim, render: mark.dataset.render, ahead };
    clickWhenMounted(shown, `.st-key-${CLAIM_BUTTONS[key]}${shown.claim} button`, Date.now());
  }, true);
})();
