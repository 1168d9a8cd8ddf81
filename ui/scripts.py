"""The few lines of browser JavaScript the UI needs, one snippet per HTML panel.

Each runs as a gr.HTML `js_on_load`: `element` is the panel, `trigger(name, data)` sends an
event to Python, `watch('value', fn)` runs after the panel is redrawn. The panels' HTML only
carries data attributes; nothing from a document is ever evaluated.
"""

# The chat: copy an answer as Markdown (client side); votes, citation markers and the welcome's
# example questions go to Python; the newest turn is kept in view while it streams.
TRANSCRIPT = r"""
const copyText = async (text) => {
  try { await navigator.clipboard.writeText(text); return true; } catch (err) {}
  const area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  const ok = document.execCommand('copy'); area.remove(); return ok;
};
element.addEventListener('click', async (e) => {
  const copy = e.target.closest('button.copy');
  if (copy) {
    const ok = await copyText(copy.dataset.md);
    copy.classList.add('done'); copy.textContent = ok ? 'Copied as Markdown' : 'Copy failed';
    setTimeout(() => { copy.classList.remove('done'); copy.textContent = 'Copy answer with citations'; }, 2000);
    return;
  }
  const vote = e.target.closest('button.vote');
  if (vote) { trigger('click', {action: 'vote', turn: +vote.dataset.turn, vote: vote.dataset.vote}); return; }
  const marker = e.target.closest('button.marker');
  if (marker) { trigger('click', {action: 'sources', turn: +marker.dataset.turn, cite: +marker.dataset.cite}); return; }
  const chip = e.target.closest('[data-ask]');
  if (chip) trigger('submit', {ask: chip.dataset.ask});
});
const follow = () => {
  const turns = element.querySelectorAll('.turn');
  const last = turns[turns.length - 1];
  const busy = last && last.querySelector('.reply:not([data-state="done"])');
  if (last && (busy || String(turns.length) !== element.dataset.turns)) {
    const box = element.querySelector('.transcript');
    if (box) box.scrollTop = box.scrollHeight;
  }
  element.dataset.turns = String(turns.length);
};
watch('value', follow);
"""

# Sources panel and corpus table: "open" buttons send the target to Python; a focused
# citation card is scrolled into view.
OPEN = r"""
element.addEventListener('click', (e) => {
  const button = e.target.closest('[data-open]');
  if (button) trigger('click', {open: button.dataset.open});
});
watch('value', () => {
  const card = element.querySelector('.card.focus');
  if (card) card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
});
"""

# Example chips: the question goes to Python, which asks it.
EXAMPLES = r"""
element.addEventListener('click', (e) => {
  const chip = e.target.closest('[data-ask]');
  if (chip) trigger('submit', {ask: chip.dataset.ask});
});
"""

# The document view: scroll each pane to its highlight, and bring the view itself on screen.
DOCUMENT = r"""
const place = () => {
  element.querySelectorAll('.scroller').forEach((box) => {
    const target = box.querySelector('.hl-anchor, mark, .cited');
    if (target) box.scrollTop = Math.max(0, target.offsetTop - box.clientHeight / 3);
  });
  const top = element.getBoundingClientRect().top;
  if (top < 0) window.scrollBy(0, top - 8);
};
const settle = () => {
  requestAnimationFrame(place);
  element.querySelectorAll('img').forEach((img) => {
    if (!img.complete) img.addEventListener('load', place, {once: true});
  });
};
settle();
watch('value', settle);
"""
