// Vue 3 app using <pan-uploader>. Vue must be told the tag is a custom element, not a Vue component.
import vue from '@vitejs/plugin-vue';
import {defineConfig} from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue({template: {compilerOptions: {isCustomElement: (tag) => tag === 'pan-uploader'}}})],
  build: {target: 'es2022', emptyOutDir: true},
});
