import { chromiumPath } from '../../helpers/browser';

describe('the browser tests without a usable Chromium', () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it('fail naming what was asked for, instead of skipping', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    expect(() => chromiumPath()).toThrow(
      'CHROMIUM_PATH is /nonexistent/chromium, which does not exist',
    );
  });
});
