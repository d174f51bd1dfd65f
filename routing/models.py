# Longer than 400 lines: every routing model in one module, as Django does; each model is short.
"""Cases (ärenden), their append-only events, routing rules, escalations and the e-mail outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from regions.access import scope_of
from regions.models import Actor, County, Municipality, Office, Topic
from routing.decision import RoutingDecision


class CaseQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> CaseQuerySet:
        """The only way views, APIs and exports read cases (see routing.access).

        ``viewer``: the request's scope (``request.scope``), or a user outside a request.
        """
        return scope_of(viewer).filter(
            self, county_field="county_id", office_field="office_id", owner_field="company_user_id"
        )

    def open(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def real(self) -> CaseQuerySet:
        """Excludes mystery-shopper test cases, which never count in indicators."""
        return self.filter(is_test=False)


#: A case the escalation clock runs for: no first contact yet, or referred and not yet taken up
#: by the receiving office (a referral re-arms the clock for that office). The levels' partial
#: indexes, the sweep, its audit and the overdue lists all read this one condition.
AWAITING_CONTACT = models.Q(first_contact_at__isnull=True) | models.Q(status="referred")


class Case(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        ASSIGNED = "assigned", _("Tilldelad")
        CONTACTED = "contacted", _("Kontaktad")
        IN_PROGRESS = "in_progress", _("Pågår")
        REFERRED = "referred", _("Hänvisad till annan aktör")
        CLOSED = "closed", _("Avslutad")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        EMAIL = "email", _("E-post")
        MEETING = "meeting", _("Möte")

    class IntakeChannel(models.TextChoices):
        """How the question reached the partnership: the web and the API file themselves,
        staff register the rest (``routing.registration``)."""

        WEB = "web", _("Webbformulär")
        API = "api", _("API")
        PHONE = "phone", _("Telefon")
        EMAIL = "email", _("E-post")
        VISIT = "visit", _("Besök")
        EVENT = "event", _("Evenemang")
        REFERRAL = "referral", _("Hänvisad från aktör utanför partnerskapet")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Besvarad")
        REFERRED_OUTSIDE = "referred_outside", _("Hänvisad utanför partnerskapet")
        NO_REPLY = "no_reply", _("Inget svar från företaget")
        OUT_OF_SCOPE = "out_of_scope", _("Utanför uppdraget")
        DUPLICATE = "duplicate", _("Dubblett")

    class EmployeeBand(models.TextChoices):
        MICRO = "1-9", _("1–9 anställda")
        SMALL = "10-49", _("10–49 anställda")
        MEDIUM = "50-249", _("50–249 anställda")
        LARGE = "250+", _("250 eller fler")

    class ExportExperience(models.TextChoices):
        NONE = "none", _("Ingen export ännu")
        OCCASIONAL = "occasional", _("Enstaka export")
        REGULAR = "regular", _("Regelbunden export")

    reference = models.CharField(_("referens"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("inkom"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The company and its question.
    company_name = models.CharField(_("företagsnamn"), max_length=200)
    # Ten digits; after anonymisation a keyed pseudonym ("P" + 20 hex), so that indicators still
    # count each company once (privacy.services).
    org_number = models.CharField(_("organisationsnummer"), max_length=24, db_index=True)
    org_number_is_personal = models.BooleanField(
        default=False, help_text=_("Enskild firma: numret är ett personnummer (personuppgift).")
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200)
    email = models.EmailField(_("e-post"))
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=5, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="cases")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, null=True, blank=True)
    question = models.TextField(_("fråga"))
    target_countries = models.JSONField(_("målländer"), default=list, blank=True)
    employees = models.CharField(max_length=10, choices=EmployeeBand.choices, blank=True)
    export_experience = models.CharField(
        max_length=12, choices=ExportExperience.choices, blank=True
    )
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="sv")
    intake_channel = models.CharField(
        _("kanal"), max_length=10, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    company_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_cases",
    )
    is_test = models.BooleanField(
        _("tillgänglighetsmätning"),
        default=False,
        help_text=_(
            "Testfråga; syns som vanligt ärende för handläggare men räknas aldrig i indikatorer."
        ),
    )

    # Routing and assignment.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assigned_actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_cases",
    )
    out_of_county = models.BooleanField(default=False)
    in_triage = models.BooleanField(_("i länets triagekö"), default=False)
    # Written and read only through ``decision`` (routing.decision.RoutingDecision).
    routing_decision = models.JSONField(default=dict, blank=True)

    # The clock. Deadlines are indexed columns scanned by the escalation sweep.
    deadline_at = models.DateTimeField(_("kontakt senast"))
    original_deadline_at = models.DateTimeField(
        help_text=_("Företagets ursprungliga tidsgräns; gäller för indikatorn även vid hänvisning.")
    )
    calendar_version = models.CharField(max_length=120)
    deadline_trace = models.CharField(max_length=400, blank=True)
    reminder_at = models.DateTimeField(null=True, blank=True)
    national_escalation_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    first_contact_at = models.DateTimeField(_("första kontakt"), null=True, blank=True)
    first_contact_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["deadline_at"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        indexes = [
            # The sweep reads only open cases awaiting contact, by due time.
            models.Index(
                fields=["reminder_at"],
                name="case_reminder_due",
                condition=AWAITING_CONTACT
                & models.Q(escalation_level__lt=1)
                & ~models.Q(status="closed"),
            ),
            models.Index(
                fields=["deadline_at"],
                name="case_deadline_due",
                condition=AWAITING_CONTACT
                & models.Q(escalation_level__lt=2)
                & ~models.Q(status="closed"),
            ),
            models.Index(
                fields=["national_escalation_at"],
                name="case_national_due",
                condition=AWAITING_CONTACT
                & models.Q(escalation_level__lt=3)
                & ~models.Q(status="closed"),
            ),
            models.Index(fields=["county", "created_at"], name="case_county_created"),
            # Every case-based indicator reads real cases filed in a period and only these
            # columns: a narrow covering index (about a sixth of the table) lets PostgreSQL
            # answer them with index-only scans instead of reading the whole wide table.
            models.Index(
                fields=["created_at"],
                include=[
                    "id",
                    "county",
                    "org_number",
                    "first_contact_at",
                    "original_deadline_at",
                    "status",
                    "assigned_actor",
                    "intake_channel",
                    "first_contact_channel",
                ],
                condition=models.Q(is_test=False),
                name="case_indicator_cover",
            ),
            models.Index(fields=["office", "status"], name="case_office_status"),
            # The county list's actor and office choices: does this county have a case of it?
            models.Index(fields=["county", "assigned_actor"], name="case_county_actor"),
            models.Index(fields=["county", "office"], name="case_county_office"),
            # The personal-data search finds a person's cases by e-mail, case-insensitively.
            models.Index(Upper("email"), name="case_email_upper"),
            # The handler choice counts each candidate's open cases: with only open cases in
            # the index (about 1 % of history) that count does not grow with closed cases.
            models.Index(
                fields=["handler"],
                name="case_open_per_handler",
                condition=~models.Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def decision(self) -> RoutingDecision | None:
        """The routing decision stored at filing (None when none was recorded)."""
        return RoutingDecision.from_json(self.routing_decision)

    @decision.setter
    def decision(self, value: RoutingDecision | None) -> None:
        self.routing_decision = value.to_json() if value is not None else {}

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def first_contact_in_time(self) -> bool | None:
        """Goal met when first contact is at or before the company's original deadline."""
        if self.first_contact_at is None:
            return None
        return self.first_contact_at <= self.original_deadline_at


class CaseEvent(models.Model):
    """Append-only history of a case: who did what, when, from → to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("tid"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("händelse"), max_length=40)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    internal = models.BooleanField(
        default=True, help_text=_("Interna anteckningar visas aldrig för företaget.")
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class WorkerPing(models.Model):
    """Written by a Celery worker on request; shows the health page that workers run."""

    nonce = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.hostname} {self.received_at:%Y-%m-%d %H:%M:%S}"


class OutboxMessage(models.Model):
    """An e-mail written in the same transaction as the change that caused it.

    A Celery task sends it after commit; a periodic task re-sends whatever is left, so a broker
    or mail-server outage delays mail but never loses it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    created_at = models.DateTimeField()
    send_after = models.DateTimeField(help_text=_("Hålls till dess (t.ex. till nästa arbetsdag)."))
    to = models.EmailField()
    # Where the company's answer goes (the handler's office); empty: no Reply-To header.
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=2, default="sv")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox"
    )
    kind = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["send_after"],
                name="outbox_pending",
                condition=models.Q(state="pending"),
            ),
            # The personal-data search finds the mail sent to an address, case-insensitively.
            models.Index(Upper("to"), name="outbox_to_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.state})"


class CaseReferenceCounter(models.Model):
    """Per-year counter behind REC-2026-000123; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class RoutingRule(models.Model):
    """A routing rule as data. National (county=None) or a county override.

    Conditions are lists (JSON) so the engine compiles them without extra queries; an empty list
    means "any". The outcome is an actor type and a weight (negative weights suppress).
    """

    name = models.CharField(_("namn"), max_length=160)
    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("län"),
        help_text=_("Tomt för nationell regel."),
    )
    priority = models.IntegerField(_("prioritet"), default=100)
    active = models.BooleanField(_("aktiv"), default=True)
    topics = models.JSONField(_("ämnen"), default=list, blank=True)
    keywords = models.JSONField(_("nyckelord"), default=list, blank=True)
    market_groups = models.JSONField(_("marknadsgrupper"), default=list, blank=True)
    countries = models.JSONField(_("länder"), default=list, blank=True)
    employee_bands = models.JSONField(_("storlek"), default=list, blank=True)
    export_experience = models.JSONField(_("exporterfarenhet"), default=list, blank=True)
    actor_type = models.ForeignKey(
        "regions.ActorType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aktörstyp"),
    )
    weight = models.FloatField(_("vikt"), default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["county_id", "-priority", "name"]
        verbose_name = _("vägledningsregel")
        verbose_name_plural = _("vägledningsregler")

    def __str__(self) -> str:
        return self.name


class RoutingRuleChange(models.Model):
    """Change history of a rule: who, when, before and after (JSON snapshots)."""

    rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, related_name="changes"
    )
    rule_name = models.CharField(max_length=160)
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    action = models.CharField(max_length=20)  # created, updated, deleted
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    example_results = models.JSONField(
        default=list, blank=True, help_text=_("Utfall för länens exempelfrågor efter ändringen.")
    )

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.rule_name} {self.action} {self.changed_at:%Y-%m-%d}"

    @property
    def action_label(self) -> str:
        """What happened to the rule, in words (the stored ``action`` is a code)."""
        return str(RULE_CHANGE_ACTION_LABELS.get(self.action, self.action))


RULE_CHANGE_ACTION_LABELS = {
    "created": _("Regeln skapades"),
    "updated": _("Regeln ändrades"),
    "deleted": _("Regeln togs bort"),
}


class ExampleQuestion(models.Model):
    """A county's example question with the actor it should reach; re-run on every rule change."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="example_questions")
    text = models.TextField(_("fråga"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, null=True, blank=True)
    target_countries = models.JSONField(default=list, blank=True)
    expected_actor_type = models.ForeignKey(
        "regions.ActorType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("förväntad aktör"),
    )
    last_actor_type = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["county_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class EscalationRecord(models.Model):
    """That a case reached an escalation level. Unique per (case, level, due_at): exactly once
    per level and clock — a referral gives the receiving office a new clock (new due times), so
    its deadline is reminded and escalated like the first office's was."""

    class Level(models.IntegerChoices):
        REMINDER = 1, _("Påminnelse till handläggare (75 %)")
        COORDINATOR = 2, _("Försenad – samordnare underrättad")
        NATIONAL = 3, _("Försenad en arbetsdag till – nationellt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    due_at = models.DateTimeField()  # when the level fell due by the case's clock
    created_at = models.DateTimeField()
    sweep = models.ForeignKey("SweepRun", on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "level", "due_at"], name="one_escalation_per_level_and_clock"
            )
        ]
        indexes = [models.Index(fields=["level", "created_at"], name="escalation_level_created")]

    def __str__(self) -> str:
        return f"{self.case_id} level {self.level}"


class SweepRun(models.Model):
    """Watch the watcher: every escalation sweep records when it ran and what it did."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    national = models.PositiveIntegerField(default=0)
    notifications = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    kind = models.CharField(max_length=20, default="sweep")  # sweep | audit

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class RouterModel(models.Model):
    """A trained router model stored as plain data (JSON text), never as a pickle.

    ``payload`` is the exact text that was hashed: ``payload_sha256`` is checked on every load
    and a mismatch is refused. At most one model is active; processes pick up a newly
    activated one without a restart (``routing.learning.store``).
    """

    version = models.PositiveIntegerField(_("modellversion"), unique=True)
    created_at = models.DateTimeField(_("tränad"))
    training_size = models.PositiveIntegerField(_("antal träningsexempel"))
    heldout_scores = models.JSONField(_("resultat på testfrågorna"), default=dict, blank=True)
    payload = models.TextField()
    payload_sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(_("aktiv"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("dirigeringsmodell")
        verbose_name_plural = _("dirigeringsmodeller")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_router_model",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}{' (aktiv)' if self.is_active else ''}"


class RouterSettings(models.Model):
    """The portal's settings for the learned router: one row, edited by national staff on the
    rules page (``routing.learning.store.router_settings_update``).

    ``model_threshold``: where the rules do not decide clearly, the model decides when its
    confidence is at least this; below it the question goes to the front door as before.
    """

    # Held-out corpus: 0.5 sends 2 % to the front door at 94 % accuracy, 0.6 sends 6 % at 92 %.
    DEFAULT_THRESHOLD = 0.5

    model_threshold = models.FloatField(
        _("modellens tröskel"),
        default=DEFAULT_THRESHOLD,
        help_text=_(
            "Där reglerna inte avgör frågan tydligt avgör modellen om den är minst så här säker "
            "(0–1); annars går frågan till den främre dörren."
        ),
    )
    updated_at = models.DateTimeField(_("ändrad"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("inställning för dirigeringsmodellen")
        verbose_name_plural = _("inställningar för dirigeringsmodellen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(model_threshold__gte=0) & models.Q(model_threshold__lte=1),
                name="router_threshold_between_0_and_1",
            )
        ]

    def __str__(self) -> str:
        return f"tröskel {self.model_threshold:g}"
