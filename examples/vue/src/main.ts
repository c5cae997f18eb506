// Importing the package registers <pan-uploader>; the hashing worker is bundled beside the app.
import 'pan-uploader';
import {createApp} from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
