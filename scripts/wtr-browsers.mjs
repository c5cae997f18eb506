// The web-test-runner launcher for each engine: Chromium and Firefox through puppeteer-core (Firefox over
// WebDriver BiDi), WebKitGTK through WebKitWebDriver and webdriverio (W3C WebDriver classic).
import {chromeLauncher, puppeteerCore} from '@web/test-runner-chrome';
import {WebdriverLauncher} from '@web/test-runner-webdriver';
import {chromeArgs} from './chrome-path.mjs';
import {engines} from './browsers.mjs';
import {startWebKitDriver} from './webkit-driver.mjs';

/**
 * webdriverio's launcher, with the driver it talks to started in initialize() and stopped in stop() (the
 * runner calls stop() on success, failure and Ctrl-C; scripts/webkit-driver.mjs covers a hard exit).
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    // WebKitWebDriver answers "Failed to match capabilities" to webdriverio 9's default BiDi request.
    super({hostname: '127.0.0.1', port: 0, logLevel: 'error', capabilities: {'wdio:enforceWebDriverClassic': true}});
    this.driverProcess = undefined;
  }

  async initialize(config, testFiles) {
    await super.initialize(config, testFiles);
    this.driverProcess = await startWebKitDriver();
    this.options.port = this.driverProcess.port;
    this.name = engines.webkit.label;
  }

  async stop() {
    await super.stop();
    await this.driverProcess?.stop();
    this.driverProcess = undefined;
  }
}

export function browserLauncher(name) {
  if (name === 'webkit') return new WebKitLauncher();
  if (name === 'firefox') {
    return chromeLauncher({puppeteer: puppeteerCore, launchOptions: {browser: 'firefox', executablePath: engines.firefox.find(), headless: true}});
  }
  return chromeLauncher({launchOptions: {executablePath: engines.chromium.find(), headless: true, args: chromeArgs}});
}
