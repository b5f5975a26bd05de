// Printing (site.css, @media print): the page's own address at the top of
// the printout and each link's full address after it. Run when the page
// turns to print (the print dialog, or print media emulated), so links the
// page added since are covered; the address follows history.replaceState.
const q = window.matchMedia('print');

function prepare() {
    const p = document.getElementById('print-address');
    if (p) p.textContent = `Địa chỉ trang: ${location.href}`;
    for (const a of document.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href');
        if (href.startsWith('#')) continue;
        const text = a.textContent.trim();
        // A link whose text is already its address (an e-mail, a URL) gets nothing more.
        a.dataset.printUrl = text === a.href || text === a.href.replace(/^(mailto|tel):/, '') ? '' : a.href;
    }
}

// The address's place, at the top of the page's main content (hidden on screen).
const main = document.querySelector('main');
if (main && !document.getElementById('print-address')) {
    const p = document.createElement('p');
    p.id = 'print-address';
    p.className = 'print-only print-address';
    main.prepend(p);
}
window.addEventListener('beforeprint', prepare);
q.addEventListener('change', (e) => { if (e.matches) prepare(); });
prepare();
