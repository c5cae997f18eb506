// Local demo only: under `npm start`, points every uploader on the page at the 123pan emulator (its
// origin changes each run). A real CMS page has no such script: it writes api-base in the tag.
const response = await fetch('/pan/config.json').catch(() => undefined);
if (response?.ok) {
  const {apiOrigin} = await response.json();
  for (const uploader of document.querySelectorAll('pan-uploader')) uploader.setAttribute('api-base', apiOrigin);
}
