import {
  SubjectAltNameSyntaxError,
  parseSubjectAltNames,
} from '../../../src/identity/subject-alt-names';

describe('parseSubjectAltNames', () => {
  it('splits the text Node 20 prints, undoing its JSON quoting', () => {
    // Printed by Node 20's X509Certificate.subjectAltName for a certificate made in a test.
    const text =
      'URI:"urn:intelroute:ncb:FR\\u002c URI:urn:intelroute:secretariat", URI:urn:intelroute:ncb:FR, ' +
      'URI:"a\\"b\\\\c\'d", DNS:x.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, ' +
      'email:a@b.c, DirName:"O=bar\\u002cCN=foo", Registered ID:1.2.3.4';
    expect(parseSubjectAltNames(text)).toEqual([
      { type: 'URI', value: 'urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat' },
      { type: 'URI', value: 'urn:intelroute:ncb:FR' },
      { type: 'URI', value: 'a"b\\c\'d' },
      { type: 'DNS', value: 'x.example' },
      { type: 'IP Address', value: '127.0.0.1' },
      { type: 'IP Address', value: '0:0:0:0:0:0:0:1' },
      { type: 'email', value: 'a@b.c' },
      { type: 'DirName', value: 'O=bar,CN=foo' },
      { type: 'Registered ID', value: '1.2.3.4' },
    ]);
  });

  it('keeps a literal comma inside quotes as part of one value', () => {
    expect(
      parseSubjectAltNames('URI:"urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat", DNS:x'),
    ).toEqual([
      { type: 'URI', value: 'urn:intelroute:ncb:FR, URI:urn:intelroute:secretariat' },
      { type: 'DNS', value: 'x' },
    ]);
  });

  it('reads an empty text as no entries and an empty value as empty', () => {
    expect(parseSubjectAltNames('')).toEqual([]);
    expect(parseSubjectAltNames('URI:')).toEqual([{ type: 'URI', value: '' }]);
  });

  it.each([
    ['URI', 'no colon'],
    [':urn:intelroute:ncb:FR', 'empty type'],
    ['URI:a,b', 'comma without its space'],
    ['URI:a, ', 'trailing separator'],
    ['URI:a,  DNS:b', 'double space'],
    ['URI:"a" DNS:b', 'text right after a closing quote'],
    ['URI:"unterminated', 'unterminated quote'],
    ['URI:"bad \\x escape"', 'invalid JSON escape'],
    ['URI:a"b', 'quote inside a plain value'],
    ['URI:a\\b', 'backslash inside a plain value'],
    ['U"RI:a', 'quote in the type'],
    ['uri:urn:intelroute:ncb:FR', 'a type Node does not print (lower case)'],
    ['urn:intelroute:ncb:FR', 'no type at all'],
  ])('refuses %j (%s)', (text) => {
    expect(() => parseSubjectAltNames(text)).toThrow(SubjectAltNameSyntaxError);
  });
});
