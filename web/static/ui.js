// Runs once the chat's sources panel is on the page (gr.HTML js_on_load: `element`, `trigger`).
// Any "[n]" link (href "#cb-src-…", "#cb-plan-…", "#cb-cmp-…") scrolls to its source card,
// highlights it and opens it in the source viewer; any "Open source" button opens the viewer.
window.__cbTrigger = trigger;
if (!window.__cbBound) {
  window.__cbBound = true;
  const flash = (el) => {
    document.querySelectorAll('.cb-flash').forEach((x) => x.classList.remove('cb-flash'));
    void el.offsetWidth;
    el.classList.add('cb-flash');
  };
  // Once the viewer shows the new source, bring its highlighted quote into view.
  const revealQuote = (before, tries) => {
    const doc = document.querySelector('#cb-viewer .cb-viewer-doc');
    if (doc && doc.dataset.stamp !== before) {
      const mark = doc.querySelector('mark');
      if (mark) mark.scrollIntoView({block: 'center'});
      return;
    }
    if (tries > 0) setTimeout(() => revealQuote(before, tries - 1), 200);
  };
  const openFrom = (btn) => {
    const doc = document.querySelector('#cb-viewer .cb-viewer-doc');
    window.__cbTrigger('click', {
      doc: btn.dataset.doc || '', page: btn.dataset.page || '', section: btn.dataset.section || '',
      quote: btn.dataset.quote || '',
    });
    revealQuote(doc ? doc.dataset.stamp : undefined, 100);
  };
  document.addEventListener('click', (e) => {
    if (!e.target.closest) return;
    const btn = e.target.closest('button.cb-open');
    if (btn) {
      e.preventDefault();
      const card = btn.closest('.cb-card');
      if (card) flash(card);
      openFrom(btn);
      return;
    }
    const a = e.target.closest('a[href*="#cb-"]');
    if (!a) return;
    const id = (a.getAttribute('href') || '').split('#').pop();
    const card = document.getElementById(id);
    e.preventDefault();
    e.stopPropagation();
    if (!card) return;
    const group = card.closest('details');
    if (group) group.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    flash(card);
    const open = card.querySelector('button.cb-open');
    if (open) openFrom(open);
  }, true);
}
