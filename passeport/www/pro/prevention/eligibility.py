"""The eligibility checker (does a training belong in the passeport de prévention?),
open to anonymous visitors too; the rules are `prevention.eligibility`."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.prevention import eligibility as rules_of_eligibility


@login_not_required
@require_GET
def eligibility(request):
    """One question per step; the answers so far travel as hidden fields (no JavaScript,
    no session), so that the questionnaire works for anyone and can be bookmarked."""
    today = timezone.localdate()
    answers = rules_of_eligibility.clean(request.GET)
    question = rules_of_eligibility.next_question(answers, today)
    verdict = rules_of_eligibility.evaluate(answers, today)
    steps = []
    previous: dict[str, str] = {}
    for asked, label in rules_of_eligibility.summary(answers):
        # "Modifier" goes back to this question with the earlier answers kept.
        steps.append({"question": asked, "label": label, "query": urlencode(previous)})
        previous[asked.key] = answers[asked.key]
    invalid = question is not None and request.GET.get("etape") == question.key
    return render(
        request,
        "pro/prevention/eligibility.html",
        {
            "question": question,
            "answers": answers,
            "steps": steps,
            "verdict": verdict,
            "step_number": len(answers) + 1,
            "total_steps": len(rules_of_eligibility.QUESTIONS),
            "today": today,
            "invalid": invalid,
        },
    )
