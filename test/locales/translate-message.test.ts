import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { translateBody, translateMessage } from '../../src/locales/translate-message.js';
import { SIMPLE_JWT_MESSAGES } from '../../src/locales/messages.js';
import { SIMPLE_JWT_CATALOGUES } from '../../src/locales/simple-jwt-catalogues.js';

// Expected texts read from Simple JWT's locale/<lang>/LC_MESSAGES/django.po (998eb63): the
// translated, non-fuzzy entries; a msgid without one is rendered in English, as Django does.
const EXPECTED: Record<string, Record<string, string>> = {
  de: {
    "The user's password has been changed.": "The user's password has been changed.",
    'Authorization header must contain two space-delimited values': 'Der Authorizationheader muss zwei leerzeichen-getrennte Werte enthalten',
    'Given token not valid for any token type': 'Der Token ist für keinen Tokentyp gültig',
    'Token contained no recognizable user identification': 'Token enthält keine erkennbare Benutzeridentifikation',
    'User not found': 'Benutzer nicht gefunden',
    'User is inactive': 'Inaktiver Benutzer',
    'Token is invalid': 'Token is invalid',
    'Token is expired': 'Token is expired',
    'No active account found with the given credentials': 'Kein aktiver Account mit diesen Zugangsdaten gefunden',
    'No active account found for the given token.': 'No active account found for the given token.',
    'Token is blacklisted': 'Token steht auf der Blacklist',
    'Cannot create token with no type or lifetime': 'Ein Token ohne Typ oder Lebensdauer kann nicht erstellt werden',
    'Token has no id': 'Token hat keine Id',
    'Token has no type': 'Token hat keinen Typ',
    'Token has wrong type': 'Token hat den falschen Typ',
    "Token has no 'exp' claim": "Token hat kein 'exp' Recht",
    "Token 'refresh_exp' claim has expired": "Das Tokenrecht 'refresh_exp' ist abgelaufen",
  },
  'pt-br': {
    "The user's password has been changed.": 'A senha do usuário foi alterada.',
    'Authorization header must contain two space-delimited values': 'Cabeçalho de autorização deve conter dois valores delimitados por espaço',
    'Given token not valid for any token type': 'O token informado não é válido para qualquer tipo de token',
    'Token contained no recognizable user identification': 'O token não continha nenhuma identificação reconhecível do usuário',
    'User not found': 'Usuário não encontrado',
    'User is inactive': 'Usuário está inativo',
    'Token is invalid': 'O token é inválido',
    'Token is expired': 'Token expirado',
    'No active account found with the given credentials': 'Usuário e/ou senha incorreto(s)',
    'No active account found for the given token.': 'Nenhuma conta ativa encontrada para o token fornecido.',
    'Token is blacklisted': 'Token está na blacklist',
    'Cannot create token with no type or lifetime': 'Não é possível criar token sem tipo ou tempo de vida',
    'Token has no id': 'Token não tem id',
    'Token has no type': 'Token não tem nenhum tipo',
    'Token has wrong type': 'Token tem tipo errado',
    "Token has no 'exp' claim": "Token não tem 'exp' privilégio",
    "Token 'refresh_exp' claim has expired": "O privilégio 'refresh_exp' do token expirou",
  },
  ru: {
    "The user's password has been changed.": "The user's password has been changed.",
    'Authorization header must contain two space-delimited values': 'Заголовок авторизации должен содержать два значения, разделенных пробелом',
    'Given token not valid for any token type': 'Данный токен недействителен для любого типа токена',
    'Token contained no recognizable user identification': 'Токен не содержит идентификатор пользователя',
    'User not found': 'Пользователь не найден',
    'User is inactive': 'Пользователь неактивен',
    'Token is invalid': 'Token is invalid',
    'Token is expired': 'Token is expired',
    'No active account found with the given credentials': 'Не найдено активной учетной записи с указанными данными',
    'No active account found for the given token.': 'No active account found for the given token.',
    'Token is blacklisted': 'Токен занесен в черный список',
    'Cannot create token with no type or lifetime': 'Невозможно создать токен без типа или времени жизни',
    'Token has no id': 'У токена нет идентификатора',
    'Token has no type': 'Токен не имеет типа',
    'Token has wrong type': 'Токен имеет неправильный тип',
    "Token has no 'exp' claim": "Токен не содержит 'exp'",
    "Token 'refresh_exp' claim has expired": "Токен имеет просроченное значение 'refresh_exp'",
  },
};

describe('translateMessage', () => {
  for (const [language, messages] of Object.entries(EXPECTED)) {
    test(`renders every Simple JWT message in ${language} as Simple JWT's catalogue does`, () => {
      assert.equal(Object.keys(messages).length, SIMPLE_JWT_MESSAGES.length, 'one line per msgid');
      for (const [english, expected] of Object.entries(messages)) assert.equal(translateMessage(english, language), expected, english);
    });
  }

  test('fills every placeholder, and leaves English and unknown messages as they are', () => {
    assert.equal(translateMessage("Token has no 'jti' claim", 'fr'), "Le jeton n'a pas le privilège 'jti'");
    assert.equal(translateMessage('User not found', 'en'), 'User not found');
    assert.equal(translateMessage('This field is required.', 'fr'), 'This field is required.');
  });

  test('every catalogue is keyed by the English msgids only', () => {
    assert.equal(Object.keys(SIMPLE_JWT_CATALOGUES).length, 25);
    for (const [locale, catalogue] of Object.entries(SIMPLE_JWT_CATALOGUES)) {
      for (const msgid of Object.keys(catalogue)) assert.ok((SIMPLE_JWT_MESSAGES as readonly string[]).includes(msgid), `${locale}: ${msgid}`);
    }
  });
});

describe('translateBody', () => {
  test('translates detail, messages[].message and field lists; never a code or a key', () => {
    const body = {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
    };
    assert.deepEqual(translateBody(body, 'fr'), {
      detail: "Le type de jeton fourni n'est pas valide",
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Le jeton a été banni' }],
    });
    assert.deepEqual(translateBody({ non_field_errors: ['Token is blacklisted'] }, 'de'), { non_field_errors: ['Token steht auf der Blacklist'] });
  });
});
