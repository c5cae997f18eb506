// Importing the package registers <pan-uploader>; the hashing worker is bundled beside the app.
import 'pan-uploader';
import {mount} from 'svelte';
import App from './App.svelte';

mount(App, {target: document.getElementById('app')!});
