(() => {
  const doc = document;
  if (doc.body.dataset.wbQueueKeys) return;
  doc.body.dataset.wbQueueKeys = "1";
  // A key that writes a verdict (or skips) clicks the button keyed by the claim on screen, found
  // here, so the press can only apply to that claim. Streamlit's own shortcut would miss a press
  // made before the buttons were mounted (the first seconds after signing in), so the key is
  // handled here alone: it waits for the claim's button (on a card re-running, for its next
  // drawing, and applies only if that shows the same claim), or is dropped with a visible sign
  // while a press on the drawn card is still on its way. The server drops any press whose claim is
  // no longer shown (see on_label).
  //
  // Read ahead: the card carries the next claim's markup (.wb-ahead). Once a press is sent, that
  // claim is shown at once, marked data-ahead, while the rest of the card (dimmed, not clickable:
  // class wb-reading-ahead) still belongs to the claim just left. A press on the claim read ahead
  // waits until the server has drawn its card and buttons, and is dropped if another claim (or the
  // same claim changed by a lead's edit: another version) comes. While the claim read ahead shows,
  // the page's other shortcuts (M, U, B, Q, Enter, Space) would act on the claim just left: dropped.
  // A press within MIN_SHOWN_MS of a claim appearing after a press is dropped too: nobody judges a
  // claim that fast, it is a second press of the same key. If the server still shows the labelled
  // claim NOT_SAVED_CHECK_MS after drawing it again instead of the one read ahead (it dropped the
  // press: restarted, or the claim changed), and says nothing itself, the sign says the verdict was
  // not saved (a rerun already under way when the press came may draw it once more just before).
  //
  // N and E focus the note or links field of the claim on screen (each claim has its own), once
  // the server has drawn it: while a press waits for its button or a claim read ahead shows, the
  // field waits, and letters typed meanwhile are dropped, never taken as shortcuts. U (undo) is
  // taken once per drawing: a held key or a second press before the server redraws is dropped.
  //
  // A lost connection: keys are dropped (with a sign) until it is back, a press waiting for its
  // button is dropped, and once the connection returns the page is redrawn whole through a hidden
  // button outside the claim's fragment (a restarted server knows no fragment of this page, so a
  // verdict button would do nothing until then).
  const CLAIM_BUTTONS = __CLAIM_BUTTONS__;
  const REDRAW_BUTTON = __REDRAW_BUTTON__;
  const BUTTON_WAIT_MS = 10000;
  const MIN_SHOWN_MS = 150;
  const SLOW_SERVER_MS = 8000;
  const NOT_SAVED_CHECK_MS = 1000;
  const FIELDS = { n: "note", e: "evidence" };
  const READING_AHEAD = "wb-reading-ahead";
  const HELD_WHILE_AHEAD = new Set(["m", "u", "b", "q", "enter", " "]);
  let pending = null;  // {render, at}: a press sent for the card drawn as `render`
  let shown = { key: null, at: 0 };  // the claim on screen (id and version) and since when
  let typingWaits = false;  // N or E pressed before the claim on screen has its own field drawn
  let clicking = false;  // a press is waiting for its claim's button
  let undoSent = null;  // {render, at}: U pressed on the card drawn as `render`
  let labelled = null;  // the claim a verdict key was sent for, until the server draws a card
  let losses = 0;  // connections lost so far
  let offline = false;
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
  const noteShown = () => {
    const mark = doc.querySelector("mark.wb-claim");  // absent for a moment while a card is redrawn
    const key = mark && `${mark.dataset.claim}:${mark.dataset.version}`;
    if (key && key !== shown.key) shown = { key, at: Date.now() };
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
    const focused = doc.activeElement;
    if (focused && focused.closest(".st-key-queue_extras, .st-key-queue_panel")) focused.blur();
    noteShown();
    scrollClaimIntoView();
    setTimeout(() => {
      const still = doc.querySelector("mark.wb-claim[data-ahead]");
      if (still && still.dataset.claim === mark.dataset.claim) {
        sign("The server has not answered yet: nothing more is saved until it does. Reload if this stays.");
      }
    }, SLOW_SERVER_MS);
  };
  const readingAhead = () => !!doc.querySelector("mark.wb-claim[data-ahead]");
  const connectionLost = () => {
    const status = doc.querySelector('[data-testid="stStatusWidget"]');
    return !!status && /connecting|offline/i.test(status.textContent);
  };
  const watchConnection = () => {
    const lost = connectionLost();
    if (lost && !offline) losses += 1;
    if (!lost && offline) {
      const redraw = doc.querySelector(`.st-key-${REDRAW_BUTTON} button`);
      if (redraw) redraw.click();
    }
    offline = lost;
  };
  new MutationObserver(() => {
    watchConnection();
    noteShown();
    scrollClaimIntoView();
    if (readingAhead() || !doc.body.classList.contains(READING_AHEAD)) return;
    doc.body.classList.remove(READING_AHEAD);
    const mark = doc.querySelector("mark.wb-claim");
    if (mark && labelled && mark.dataset.claim === labelled) {
      const claim = labelled;
      setTimeout(() => {
        const now = doc.querySelector("mark.wb-claim");
        const told = doc.querySelector(".st-key-queue_refused");  // the server said why itself
        if (now && now.dataset.claim === claim && !now.dataset.ahead && !told) {
          sign("Not saved: the server did not take that key press (it may have restarted). Label this claim again.");
        }
      }, NOT_SAVED_CHECK_MS);
    }
    labelled = null;
  }).observe(doc.body, { childList: true, subtree: true });
  const cardStale = (mark) => {
    const card = mark.closest('[data-testid="stElementContainer"]');
    return !!card && card.getAttribute("data-stale") === "true";
  };
  // Click the claim's button once it is mounted, while the same claim (and, unless it was read
  // ahead or pressed while its card was being redrawn, the same drawing of its card) is on screen;
  // then show the claim read ahead after it.
  const clickWhenMounted = (pressed, selector, began) => {
    const mark = doc.querySelector("mark.wb-claim");
    const same = mark && mark.dataset.claim === pressed.claim && mark.dataset.version === pressed.version
      && (pressed.ahead || pressed.redrawn || mark.dataset.render === pressed.render);
    if (losses !== pressed.losses) {
      pending = null;
      clicking = false;
      sign("Key ignored: the connection to the server was lost. Nothing was saved.");
      return;
    }
    if (!same || Date.now() - began > BUTTON_WAIT_MS) {
      pending = null;
      clicking = false;
      sign("Key ignored: the claim changed before it could be saved. Nothing was saved.");
      return;
    }
    const button = doc.querySelector(selector);
    if (button && !button.disabled && !mark.dataset.ahead && !(pressed.redrawn && cardStale(mark))) {
      labelled = pressed.label ? pressed.claim : null;
      pending = { render: mark.dataset.render, at: Date.now() };  // the drawing the press is sent from
      clicking = false;
      button.click();
      setTimeout(() => showAhead(pressed.claim), 0);  // after the press is on its way to the server
      return;
    }
    setTimeout(() => clickWhenMounted(pressed, selector, began), 25);
  };
  // Typing waits for the claim's own fields: the note of the claim just left must not get it, so
  // no field is taken from the drawing a press was sent from (the server draws the next card).
  const claimField = (kind) => {
    const mark = doc.querySelector("mark.wb-claim");
    if (!mark || mark.dataset.ahead || clicking || (pending && pending.render === mark.dataset.render)) return null;
    return doc.querySelector(`.st-key-queue_${kind}_text_${mark.dataset.claim} textarea`);
  };
  const focusWhenDrawn = (kind, began) => {
    const field = claimField(kind);
    const allDone = !!doc.querySelector(".wb-done");  // no claim left: no field is coming
    typingWaits = !field && !allDone && Date.now() - began < BUTTON_WAIT_MS;
    if (typingWaits) { setTimeout(() => focusWhenDrawn(kind, began), 25); return; }
    if (field) field.focus();
  };
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    // A picker left focused after its choice (closed) is not being typed into: keys go to the queue.
    const pickedChoice = target && target.getAttribute && target.getAttribute("role") === "combobox"
      && target.getAttribute("aria-expanded") === "false" && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (pickedChoice && event.key.length === 1) target.blur();
    const typing = !pickedChoice && target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
    if (typing && event.key === "Escape") { target.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const held = typingWaits ? event.key.length === 1 : (readingAhead() || clicking) && HELD_WHILE_AHEAD.has(key);
    if (held) {
      event.preventDefault();
      event.stopImmediatePropagation();
      sign(typingWaits ? "Wait for the note field of the claim on screen, then type." :
        "Key ignored: the claim on screen is still loading. Nothing was done.");
      return;
    }
    const mark = doc.querySelector("mark.wb-claim");
    if (FIELDS[key] && mark) { event.preventDefault(); focusWhenDrawn(FIELDS[key], Date.now()); return; }
    if (key === "u" && mark) {
      noteShown();
      const again = event.repeat || (undoSent && Date.now() - undoSent.at < 3000
        && (undoSent.render === mark.dataset.render || Date.now() - shown.at < MIN_SHOWN_MS));
      const labelling = pending && pending.render === mark.dataset.render && Date.now() - pending.at < 3000;
      if (again || labelling) {
        event.preventDefault();
        event.stopImmediatePropagation();
        sign(labelling ? "Key ignored: the claim on screen is still loading. Nothing was done." :
          "Key ignored: one press of U undoes one verdict. Nothing more was undone.");
        return;
      }
      undoSent = { render: mark.dataset.render, at: Date.now() };
      return;  // the Undo button's own shortcut takes it
    }
    if (!(key in CLAIM_BUTTONS)) return;
    if (!mark) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // this key is handled here only, never twice
    if (event.repeat) return;
    if (connectionLost()) {
      sign("Key ignored: no connection to the server. Nothing was saved.");
      return;
    }
    const ahead = !!mark.dataset.ahead;
    // A card re-running (a note just left with Esc) still shows the claim pressed on: the press waits
    // for its next drawing and applies only if that is the same claim.
    const redrawn = !ahead && cardStale(mark);
    const waiting = pending && pending.render === mark.dataset.render && Date.now() - pending.at < 3000;
    if (waiting) {
      sign("Key ignored: the next claim is still loading. Nothing was saved for it.");
      return;
    }
    if (key === "s" && !ahead && doc.querySelector(".st-key-queue_return_button")) {
      sign("Nothing to skip: going back over your verdicts, Q returns to the queue.");  // no Skip button here
      return;
    }
    noteShown();
    const doublePress = pending && Date.now() - pending.at < 1000 && Date.now() - shown.at < MIN_SHOWN_MS;
    if (doublePress) {
      sign("Key ignored: that claim had only just appeared. Nothing was saved for it.");
      return;
    }
    pending = { render: mark.dataset.render, at: Date.now() };
    const pressed = {
      claim: mark.dataset.claim, version: mark.dataset.version, render: mark.dataset.render, ahead, redrawn,
      label: key !== "s", losses,
    };
    clicking = true;
    clickWhenMounted(pressed, `.st-key-${CLAIM_BUTTONS[key]}${pressed.claim} button`, Date.now());
  }, true);
})();
