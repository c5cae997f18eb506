// Local demo only: under `npm start`, points every uploader on the page at the 123pan emulator (its
// origin changes each run). A real CMS page has no such script: it writes api-base in the tag.
const response = await fetch('/pan/config.json').catch(() => undefined);
if (response?.ok) {
  const {apiOrigin} = await response.json();
  for (const uploader of document.querySelectorAll('pan-uploader')) uploader.setAttribute('api-base', apiOrigin);
}

// The edit form's entry: two photos on the emulator's image host, made once per load as an earlier visit
// would have, then listed through `value` as a CMS template would write them.
const entry = document.querySelector('#entry-photos');
if (response?.ok && entry) {
  const {UploadManager} = await import('../../dist/pan-uploader.bundle.js');
  const {apiOrigin} = await (await fetch('/pan/config.json')).json();
  const photo = (label, hue) =>
    new Promise((resolve) => {
      const canvas = Object.assign(document.createElement('canvas'), {width: 320, height: 240});
      const g = canvas.getContext('2d');
      g.fillStyle = `hsl(${hue} 60% 55%)`;
      g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff';
      g.font = 'bold 28px sans-serif';
      g.fillText(label, 24, 130);
      canvas.toBlob((blob) => resolve(new File([blob], `${label.toLowerCase().replace(/ /g, '-')}.png`, {type: 'image/png', lastModified: 1_762_000_000_000})), 'image/png');
    });
  const manager = new UploadManager({target: 'image', apiBase: apiOrigin, tokenUrl: '/pan/token', resume: false});
  const done = new Promise((resolve) => manager.addEventListener('queue-complete', resolve, {once: true}));
  manager.addFiles([await photo('Fair stall', 24), await photo('Main stage', 210)]);
  await done;
  entry.value = manager.tasks.filter((task) => task.fileID).map((task) => ({fileID: task.fileID, name: task.name, size: task.size, url: task.downloadURL}));
  manager.dispose();
}
