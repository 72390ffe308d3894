// The sign-out button of the server's 401/403 pages (no inline script: the CSP allows only 'self').
document.getElementById('sign-out')?.addEventListener('click', async () => {
  const me = await fetch('/api/me', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: me?.csrfToken ? { 'x-csrf-token': me.csrfToken } : {} }).catch(() => {});
  location.href = '/auth/login?returnTo=/dashboard';
});
