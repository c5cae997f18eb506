// Svelte 5 app using <pan-uploader>. Svelte needs no setting: a tag with a hyphen is a custom element.
import {svelte} from '@sveltejs/vite-plugin-svelte';
import {defineConfig} from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte()],
  build: {target: 'es2022', emptyOutDir: true},
});
