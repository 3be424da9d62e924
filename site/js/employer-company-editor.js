// The employer's company details (employeur/espace.html, « Modifier les informations de
// l'entreprise »): name, contact, phone, commune (the sign-up's autocomplete). PATCH
// /api/employers/me with If-Match; a 409 says that someone changed them meanwhile.

import { apiPatch, errorMessage, fieldErrors } from './api.js';
import { communeAutocomplete } from './autocomplete.js';
import { clearErrors, h, setStatus, showErrors, whileBusy } from './forms.js';
import { formatPhone } from './format.js';

export const STALE_COMPANY =
  'Les informations de l’entreprise ont été modifiées entre-temps (par un collègue, ou dans un autre onglet). Vos changements ne sont pas enregistrés : rechargez-les, puis refaites-les.';
const PHONE_SHAPE = /^(?:(?:\+|00)33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$/;

export function companyEditor({ current, onSaved, reload, onSignedOut }) {
  const editor = document.getElementById('company-editor');
  const toggle = document.getElementById('company-edit');
  const form = document.getElementById('company-form');
  const summary = document.getElementById('company-error-summary');
  const status = document.getElementById('company-status');
  const bassinText = document.getElementById('company-commune-bassin');
  const value = (id) => document.getElementById(id).value.trim();

  function fill(employer) {
    form.elements.company_name.value = employer.company_name;
    form.elements.contact_name.value = employer.contact_name;
    form.elements.phone.value = employer.phone ? formatPhone(employer.phone) : '';
    const container = document.getElementById('company-commune-autocomplete');
    container.replaceChildren();
    bassinText.textContent = '';
    communeAutocomplete({
      container,
      id: 'company-commune-input',
      labelId: 'company-commune-label',
      hiddenInput: document.getElementById('company_code_insee'),
      describedBy: ['company-commune-hint'],
      required: true,
      initial: { code_insee: employer.code_insee, name: employer.commune_name, postal_codes: [], bassin: employer.bassin },
      onSelect: (chosen) => {
        bassinText.textContent = chosen && chosen.bassin ? `Bassin d’emploi : ${chosen.bassin.label}.` : '';
      },
    });
  }

  function open(isOpen) {
    editor.hidden = !isOpen;
    toggle.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) {
      clearErrors(form, summary);
      setStatus(status, '');
      fill(current());
      document.getElementById('titre-modifier-entreprise').focus();
    } else {
      toggle.focus();
    }
  }

  async function save(event) {
    event.preventDefault();
    clearErrors(form, summary);
    const body = {
      company_name: value('company_name'),
      contact_name: value('contact_name'),
      phone: value('company_phone') || null,
      code_insee: value('company_code_insee'),
    };
    const errors = {};
    if (!body.company_name) errors.company_name = 'Saisissez le nom de l’entreprise.';
    if (!body.contact_name) errors.contact_name = 'Saisissez le nom de la personne à contacter.';
    if (body.phone && !PHONE_SHAPE.test(body.phone)) {
      errors.phone = 'Saisissez un numéro de téléphone français, par exemple 03 87 00 00 00.';
    }
    if (!body.code_insee) {
      errors.code_insee = value('company-commune-input')
        ? 'Choisissez la commune dans la liste proposée.'
        : 'Saisissez la commune de l’établissement, puis choisissez-la dans la liste.';
    }
    if (Object.keys(errors).length) {
      showErrors(form, summary, { fields: errors });
      return;
    }
    const result = await whileBusy(document.getElementById('company-save'), 'Enregistrement…', () =>
      apiPatch('/api/employers/me', body, { headers: { 'If-Match': String(current().version) } }));
    if (result.status === 200) {
      onSaved(result.body);
      editor.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      setStatus(status, 'Les informations de l’entreprise sont enregistrées.', 'success');
      toggle.focus();
    } else if (result.status === 409) {
      showErrors(form, summary, { message: STALE_COMPANY });
      const again = h('button', { type: 'button', class: 'secondary', text: 'Recharger les informations' });
      again.addEventListener('click', async () => {
        await reload();
        open(true);
      });
      summary.append(h('p', {}, again));
    } else if (result.status === 401) {
      onSignedOut();
    } else {
      showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
    }
  }

  toggle.addEventListener('click', () => open(editor.hidden));
  document.getElementById('company-cancel').addEventListener('click', () => open(false));
  form.addEventListener('submit', save);
}
