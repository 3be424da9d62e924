// The candidate profile fields of site/_macros.html, wired once for the pages that show them all
// (the sign-up, an advisor's registration of a person): commune with its bassin, the training
// (catalogue search, title, métiers), target métiers, competences of the chosen métiers, and the
// request body they make (the candidate sign-up's fields, without the consents).

import { certificationAutocomplete, communeField, metierPicker } from './autocomplete.js';
import { competencePicker } from './competences.js';

export function candidateFields(form) {
  const value = (id) => document.getElementById(id).value.trim();
  const bassinText = document.getElementById('commune-bassin');
  communeField({ bassinText });
  const competences = competencePicker({
    groups: document.getElementById('competence-groups'),
    tools: document.getElementById('competences-tools'),
    empty: document.getElementById('competences-empty'),
    filter: document.getElementById('competence-filter'),
    filterStatus: document.getElementById('competence-filter-status'),
  });
  const chosenMetiers = () => {
    const unique = new Map();
    for (const metier of [...trainingMetiers.items(), ...targetMetiers.items()]) {
      unique.set(metier.code_rome, metier);
    }
    return [...unique.values()];
  };
  const refreshCompetences = () => competences.setMetiers(chosenMetiers());
  const trainingMetiers = metierPicker(document.getElementById('training-metiers'), { onChange: refreshCompetences });
  const targetMetiers = metierPicker(document.getElementById('target-metiers'), { onChange: refreshCompetences });
  certificationAutocomplete({
    container: document.getElementById('training-certification-autocomplete'),
    id: 'training_certification_code-input',
    labelId: 'training_certification_code-label',
    hiddenInput: document.getElementById('training_certification_code'),
    describedBy: ['training_certification_code-hint'],
    onSelect: (certification) => {
      if (!certification) {
        return;
      }
      document.getElementById('training_title').value = certification.title;
      trainingMetiers.add(certification.metiers || []);
    },
  });

  /** The sign-up body without the consents, as the API names the fields. */
  function body() {
    const result = {
      email: value('email'),
      first_name: value('first_name'),
      last_name: value('last_name'),
      code_insee: value('code_insee'),
      mobility_km: value('mobility_km') === '' ? null : Number(value('mobility_km')),
      training: {
        title: value('training_title'),
        code_rome: trainingMetiers.codes(),
        end_date: value('training_end_date'),
        certification_obtained: document.getElementById('training_certification').checked,
      },
      target_code_rome: targetMetiers.codes(),
      competences: competences.checkedCodes(),
      contract_types: [...form.querySelectorAll('input[name=contract_types]:checked')].map((box) => box.value),
      available_from: value('available_from'),
    };
    if (value('phone')) {
      result.phone = value('phone');
    }
    if (value('training_certification_code')) {
      result.training.certification_code = value('training_certification_code');
    }
    if (value('training_organisation')) {
      result.training.organisation = value('training_organisation');
    }
    return result;
  }

  return { body };
}
