// The employer's company details (employeur/espace.html, « Modifier les informations de
// l'entreprise »): name, contact, phone, commune (the sign-up's autocomplete). PATCH
// /api/employers/me with If-Match; a 409 says that someone changed them meanwhile.

import { communeAutocomplete } from './autocomplete.js';
import { editPanel } from './edit-panel.js';
import { formatPhone } from './format.js';

export const STALE_COMPANY =
  'Les informations de l’entreprise ont été modifiées entre-temps (par un collègue, ou dans un autre onglet). Vos changements ne sont pas enregistrés : rechargez-les, puis refaites-les.';
const PHONE_SHAPE = /^(?:(?:\+|00)33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$/;

export function companyEditor({ current, onSaved, reload, onSignedOut }) {
  const form = document.getElementById('company-form');
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

  function collect() {
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
    return { body, errors };
  }

  editPanel({
    prefix: 'company',
    heading: 'titre-modifier-entreprise',
    path: '/api/employers/me',
    current,
    fill,
    collect,
    texts: {
      saved: 'Les informations de l’entreprise sont enregistrées.',
      stale: STALE_COMPANY,
      reload: 'Recharger les informations',
    },
    onSaved,
    reload,
    onSignedOut,
  });
}
