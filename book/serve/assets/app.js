// make-book serve: the page's behaviour. Two views of the last good build,
// updated in place from the server's news stream (server-sent events).
import '/engine/view.js'

const $ = id => document.getElementById(id)
const state = {
  epub: null, epubWanted: null, epubBusy: false, view: null, where: null,
  pdf: null, pdfWanted: null, pdfBusy: false, pages: [], outline: [],
  fontSize: Number(localStorage.getItem('mb-font') || 100),
  night: localStorage.getItem('mb-night') === '1',
}
window.preview = state // for the tests and the curious: read-only use

// ------------------------------------------------------------------ tabs
function show(view) {
  document.body.dataset.view = view
  for (const tab of document.querySelectorAll('.tabs button'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view))
  localStorage.setItem('mb-view', view)
}
for (const tab of document.querySelectorAll('.tabs button'))
  tab.addEventListener('click', () => show(tab.dataset.view))
show(location.hash === '#print' ? 'print' : location.hash === '#ebook' ? 'ebook'
  : localStorage.getItem('mb-view') || 'ebook')

// ---------------------------------------------------------------- status
function setStatus(s) {
  const text = s.building === 'epub' ? 'Building the ebook…'
    : s.building === 'print' ? 'Laying out the print PDF…'
    : s.error ? 'Build failed' : 'Up to date'
  const warnings = s.warnings ?? []
  $('status-text').textContent = warnings.length && !s.error
    ? `${text} · ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : text
  $('status').title = warnings.join('\n')
  $('status').dataset.state = s.building ? 'busy' : s.error ? 'error' : 'ok'
  if (s.title) { $('book-title').textContent = s.title; document.title = `${s.title} · preview` }
  const box = $('error')
  if (s.error) {
    const e = s.error
    $('error-code').textContent = e.code || ''
    $('error-where').textContent = [e.file, e.line].filter(x => x != null).join(':')
    $('error-message').textContent = e.message || ''
    $('error-hint').textContent = e.hint || ''
    $('error-keep').textContent = s.epub
      ? 'Still showing the last good book; fix the file and save to try again.'
      : 'Nothing could be built yet; fix the file and save to try again.'
    box.hidden = false
  } else box.hidden = true
  for (const waiting of document.querySelectorAll('.placeholder'))  // before any good build
    waiting.textContent = s.error ? 'No book to show yet: see the error above.'
      : waiting.closest('#print') ? 'Laying out the print PDF…' : 'Building the ebook…'
  if (s.epub) syncEbook(s.epub)
  if (s.pdf) syncPrint(s.pdf)
}

// ------------------------------------------------------------- the ebook
function readerCSS() {
  const dark = state.night
  return `
    html { color-scheme: ${dark ? 'dark' : 'light'} !important; }
    html, body { font-size: ${state.fontSize}% !important;
      ${dark ? 'background: #1d1d1f !important; color: #e4e1da !important;' : ''} }
    ${dark ? 'a:link, a:visited { color: #9cc3ff !important; } img { filter: brightness(.85); }' : ''}
  `
}

function applyLook() {
  document.body.classList.toggle('night', state.night)
  $('night').setAttribute('aria-pressed', String(state.night))
  $('font-size').textContent = `${state.fontSize}%`
  state.view?.renderer.setStyles?.(readerCSS())
}

// the chapter (top-level navigation entry) of every entry, by href
const chapterOf = new Map()
function fillTOC(select, items, depth = 0, top = null) {
  for (const item of items ?? []) {
    const option = document.createElement('option')
    const label = item.label?.trim?.() || '—'
    option.value = item.href
    option.textContent = `${'\u2003'.repeat(depth)}${label}`
    select.append(option)
    chapterOf.set(item.href, top ?? label)
    fillTOC(select, item.subitems, depth + 1, top ?? label)
  }
}

function onRelocate(view, { detail }) {
  if (view !== state.view) return
  const { section, cfi, tocItem, fraction } = detail
  const index = section?.current
  const sectionFraction = view.renderer?.page != null && view.renderer?.pages > 2
    ? (view.renderer.page - 1) / (view.renderer.pages - 2) : 0
  const chapter = chapterOf.get(tocItem?.href) ?? tocItem?.label?.trim?.() ?? ''
  state.where = { cfi, index, sectionFraction, chapter }
  document.body.dataset.ebookChapter = state.where.chapter
  document.body.dataset.ebookSection = String(index)
  if (tocItem?.href) $('ebook-toc').value = tocItem.href
  $('ebook-where').textContent = `${Math.round((fraction ?? 0) * 100)}%`
}

async function openEbook(version) {
  const reader = $('reader')
  const view = document.createElement('foliate-view')
  view.classList.add('incoming')
  reader.append(view)
  view.addEventListener('relocate', e => onRelocate(view, e))
  await view.open(`/book.epub?v=${version}`)
  view.renderer.setAttribute('flow', 'paginated')
  view.renderer.setAttribute('max-column-count', '2')
  view.renderer.setAttribute('margin', '36px')
  view.renderer.setAttribute('gap', '6%')
  view.renderer.setStyles?.(readerCSS())
  const toc = $('ebook-toc')
  toc.replaceChildren()
  chapterOf.clear()
  fillTOC(toc, view.book.toc)
  const where = state.where
  const previous = state.view
  state.view = view
  try {
    if (where?.cfi) await view.init({ lastLocation: where.cfi })
    else await view.init({ showTextStart: true })
  } catch (e) { console.warn('position not found again', e) }
  // an edited chapter may no longer hold the old position: stay in its section
  if (where?.index != null && view.lastLocation?.section?.current !== where.index)
    await view.renderer.goTo({ index: where.index, anchor: where.sectionFraction || 0 })
  if (view.lastLocation?.tocItem?.href) toc.value = view.lastLocation.tocItem.href
  for (const old of reader.children) if (old !== view) old.remove()
  if (previous) previous.close?.()
  view.classList.remove('incoming')
  state.epub = version
  document.body.dataset.epub = version
}

async function syncEbook(version) {
  state.epubWanted = version
  if (state.epubBusy) return
  state.epubBusy = true
  try {
    while (state.epub !== state.epubWanted) await openEbook(state.epubWanted)
  } catch (e) {
    console.error(e)
  } finally { state.epubBusy = false }
}

$('ebook-prev').addEventListener('click', () => state.view?.goLeft())
$('ebook-next').addEventListener('click', () => state.view?.goRight())
$('ebook-toc').addEventListener('change', e => state.view?.goTo(e.target.value))
$('font-smaller').addEventListener('click', () => changeFont(-10))
$('font-larger').addEventListener('click', () => changeFont(10))
$('night').addEventListener('click', () => {
  state.night = !state.night
  localStorage.setItem('mb-night', state.night ? '1' : '0')
  applyLook()
})
function changeFont(step) {
  state.fontSize = Math.min(200, Math.max(60, state.fontSize + step))
  localStorage.setItem('mb-font', String(state.fontSize))
  applyLook()
}
document.addEventListener('keydown', e => {
  if (document.body.dataset.view !== 'ebook' || e.target.closest?.('select')) return
  if (e.key === 'ArrowLeft') state.view?.goLeft()
  if (e.key === 'ArrowRight') state.view?.goRight()
})
applyLook()

// ------------------------------------------------------------- the print
// Spreads as a printed book opens: page 1 (a recto) alone on the right,
// then versos on the left and rectos on the right.
function spreadsOf(count) {
  const spreads = [[null, 0]]
  for (let i = 1; i < count; i += 2) spreads.push([i, i + 1 < count ? i + 1 : null])
  return spreads
}

const near = new Set()  // the pages on or near the screen
const seen = new IntersectionObserver(entries => {
  for (const entry of entries) {
    if (entry.isIntersecting) { near.add(entry.target); loadPage(entry.target) }
    else near.delete(entry.target)
  }
}, { root: $('spreads'), rootMargin: '800px 0px' })

function loadPage(figure) {
  const index = Number(figure.dataset.page)
  const version = state.pdf
  if (figure.dataset.loaded === version) return
  figure.dataset.loaded = version
  const img = figure.querySelector('img')
  const next = new Image()
  next.onload = () => { if (figure.dataset.loaded === version) img.src = next.src }
  next.src = `/print/${version}/${index}.png`
  fetch(`/print/${version}/${index}.txt`).then(r => r.ok ? r.text() : '').then(text => {
    if (figure.dataset.loaded === version) figure.querySelector('.page-text').textContent = text
  })
}

function pageFigure(index) {
  const page = state.pages[index]
  const figure = document.createElement('figure')
  figure.className = `page ${index % 2 === 0 ? 'recto' : 'verso'}`
  figure.dataset.page = String(index)
  figure.style.setProperty('--ratio', `${page.width} / ${page.height}`)
  const img = document.createElement('img')
  img.alt = `Page ${page.label}`
  const text = document.createElement('p')
  text.className = 'page-text'
  const label = document.createElement('figcaption')
  label.textContent = page.label
  figure.append(img, text, label)
  seen.observe(figure)
  return figure
}

function firstVisiblePage() {
  const box = $('spreads').getBoundingClientRect()
  for (const figure of document.querySelectorAll('#spreads figure.page'))
    if (figure.getBoundingClientRect().bottom > box.top + 40) return Number(figure.dataset.page)
  return 0
}

function goToPage(index, smooth = false) {
  const row = document.querySelector(`#spreads figure[data-page="${index}"]`)?.closest('.spread')
  // scroll the spreads only (scrollIntoView would move the whole page too)
  if (row) $('spreads').scrollTo({ top: row.offsetTop - 16, behavior: smooth ? 'smooth' : 'instant' })
}

function drawSpreads() {
  const holder = $('spreads')
  seen.disconnect()
  const rows = spreadsOf(state.pages.length).map(([left, right]) => {
    const row = document.createElement('div')
    row.className = 'spread'
    for (const index of [left, right]) {
      if (index == null) {
        const blank = document.createElement('div')
        blank.className = 'page blank'
        row.append(blank)
      } else row.append(pageFigure(index))
    }
    return row
  })
  holder.replaceChildren(...rows)
  const toc = $('print-toc')
  toc.replaceChildren()
  const start = document.createElement('option')
  start.value = '0'
  start.textContent = `Beginning · ${state.pages[0]?.label ?? ''}`
  toc.append(start)
  for (const item of state.outline) {
    const option = document.createElement('option')
    option.value = String(item.page)
    option.textContent = `${'\u2003'.repeat(item.level)}${item.title} · ${state.pages[item.page].label}`
    toc.append(option)
  }
}

function printWhere() {
  const first = firstVisiblePage()
  const spread = first === 0 ? [0] : first % 2 ? [first, first + 1] : [first - 1, first]
  const labels = spread.filter(i => i < state.pages.length).map(i => state.pages[i].label)
  $('print-where').textContent = `${labels.length > 1 ? 'pp.' : 'p.'} ${labels.join('–')} of ${state.pages.length}`
  const last = Math.max(...spread.filter(i => i < state.pages.length))
  let current = 0  // the chapter open on the spread's last page
  for (const item of state.outline) if (item.page <= last) current = item.page
  $('print-toc').value = String(current)
}
$('spreads').addEventListener('scroll', () => requestAnimationFrame(printWhere), { passive: true })
$('print-toc').addEventListener('change', e => goToPage(Number(e.target.value), true))

async function openPrint(version) {
  const reply = await fetch('/api/print')
  if (!reply.ok) return
  const info = await reply.json()
  const keep = state.pages.length ? firstVisiblePage() : null
  const sameShape = info.pages.length === state.pages.length
  state.pages = info.pages
  state.outline = info.outline
  state.pdf = info.version
  if (sameShape) {  // swap the images in place: nothing moves, nothing blinks
    for (const figure of near) loadPage(figure)  // the others when they come near
    for (const caption of document.querySelectorAll('#spreads figcaption')) {
      const label = state.pages[caption.parentElement.dataset.page].label
      if (caption.textContent !== label) caption.textContent = label
    }
  } else {
    near.clear()
    drawSpreads()
    if (keep != null) goToPage(Math.min(keep, state.pages.length - 1))
  }
  document.body.dataset.pdf = state.pdf
  printWhere()
}

async function syncPrint(version) {
  state.pdfWanted = version
  if (state.pdfBusy) return
  state.pdfBusy = true
  try {
    while (state.pdf !== state.pdfWanted) {
      const before = state.pdf
      await openPrint(state.pdfWanted)
      if (state.pdf === before) break
    }
  } catch (e) {
    console.error(e)
  } finally { state.pdfBusy = false }
}

// -------------------------------------------------------------- the news
const news = new EventSource('/events')
news.addEventListener('status', e => setStatus(JSON.parse(e.data)))
news.addEventListener('epub', e => syncEbook(JSON.parse(e.data).version))
news.addEventListener('print', e => syncPrint(JSON.parse(e.data).version))
news.addEventListener('error', () => {
  $('status-text').textContent = 'Reconnecting…'
  $('status').dataset.state = 'busy'
})
