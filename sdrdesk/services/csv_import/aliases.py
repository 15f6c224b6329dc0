"""Known column names of common CRM exports, mapped to sdrdesk fields.

Headers are compared after `normalise_header` (accents, case, spaces and punctuation removed),
so "E-Mail", "email" and "Email Address" meet. Salesforce report headers carry an object
prefix ("Account: Phone", "Contact: Email") that decides which record the column belongs to.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Target fields. Phones may carry a label: "contact.phone:mobile".
ACCOUNT_FIELDS = (
    "account.name", "account.website", "account.industry", "account.employee_count",
    "account.annual_revenue", "account.phone", "account.country", "account.region",
    "account.city", "account.notes",
)
CONTACT_FIELDS = (
    "contact.first_name", "contact.last_name", "contact.full_name", "contact.title",
    "contact.email", "contact.linkedin_url", "contact.phone", "contact.country",
    "contact.region", "contact.city", "contact.notes", "contact.phone_extension",
)
META_FIELDS = ("record.is_company", "record.parent_company")
# Other systems' ids: the record's own (Salesforce Id, HubSpot Record ID) and, on a contact row,
# its company's (Salesforce AccountId, HubSpot Associated Company ID).
ID_FIELDS = ("contact.external_id", "account.external_id", "contact.account_ref")
IGNORE = "ignore"  # no field: the column is kept as one of the record's extra fields
DROP = "drop"  # left out altogether (the user's choice, or a picture blob)
ALL_FIELDS = ACCOUNT_FIELDS + CONTACT_FIELDS + META_FIELDS + ID_FIELDS

FIELD_LABELS = {
    "account.name": "Company name", "account.website": "Company website / domain",
    "account.industry": "Industry", "account.employee_count": "Number of employees",
    "account.annual_revenue": "Annual revenue", "account.phone": "Company phone",
    "account.country": "Company country", "account.region": "Company state / region",
    "account.city": "Company city", "account.notes": "Company notes",
    "contact.first_name": "First name", "contact.last_name": "Last name",
    "contact.full_name": "Full name", "contact.title": "Job title", "contact.email": "E-mail",
    "contact.linkedin_url": "LinkedIn URL", "contact.phone": "Phone",
    "contact.country": "Country", "contact.region": "State / region", "contact.city": "City",
    "contact.notes": "Notes", "contact.phone_extension": "Phone extension (of the first phone)",
    "record.is_company": "Is a company (yes/no)",
    "record.parent_company": "Related company (of a contact row)",
    "contact.external_id": "Contact's id in another system", "account.external_id":
    "Company's id in another system", "contact.account_ref": "Company's id (of a contact row)",
    IGNORE: "(keep as an extra field)", DROP: "(do not import)",
}


def normalise_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z#]+", "", plain.casefold())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@functools.lru_cache(maxsize=4096)
def header_words(text: str) -> tuple[str, ...]:
    """The words of a header: split on `_`, `-`, spaces and camelCase; case and accents folded."""
    spaced = _CAMEL.sub(" ", text.replace("\ufeff", ""))
    decomposed = unicodedata.normalize("NFKD", spaced)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(re.findall(r"[0-9a-z#]+", plain.casefold()))


# A header whose words are a company word plus only "name"-like words is the company's name, in
# English, French, German and Spanish: "company_name", "CompanyName", "Nom de l'entreprise",
# "Raison sociale", "Nombre de la empresa", "Firma".
_COMPANY_WORDS = frozenset({
    "company", "account", "organization", "organisation", "org", "employer", "business", "firm",
    "enterprise", "firma", "unternehmen", "firmenname", "empresa", "compania", "organizacion",
    "azienda", "societa", "ditta", "impresa",
    "societe", "entreprise", "etablissement", "organisme", "structure"})
_NAME_WORDS = frozenset({
    "name", "names", "nom", "nombre", "de", "du", "des", "la", "le", "l", "d", "the", "of", "legal",
    "official", "officiel", "officielle", "registered", "trading", "full", "complet", "current",
    "denomination", "denominacion", "bezeichnung", "razon", "social", "sociale", "raison", "der",
    "ragione", "della", "dell", "del"})
_COMPANY_PHRASES = (("raison", "sociale"), ("razon", "social"), ("denomination", "sociale"),
                    ("ragione", "sociale"))


def is_company_name_header(header: str) -> bool:
    words = header_words(header)
    if not words:
        return False
    present = set(words)
    if any(set(phrase) <= present for phrase in _COMPANY_PHRASES) and present <= _NAME_WORDS:
        return True
    return bool(present & _COMPANY_WORDS) and present - _COMPANY_WORDS <= _NAME_WORDS


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(normalise_header(n) for n in names)


# Field -> header names (written the way the exports write them, normalised at import time).
_ALIASES: dict[str, tuple[str, ...]] = {
    "contact.first_name": _keys(
        "First Name", "FirstName", "first_name", "Given Name", "fname", "Prénom", "Vorname",
        "Contact First Name", "Nombre", "Nome"),
    "contact.last_name": _keys(
        "Last Name", "LastName", "last_name", "Surname", "Family Name", "lname", "Nachname",
        "Contact Last Name", "Apellido", "Apellidos", "Cognome"),
    "contact.full_name": _keys(
        "Full Name", "Contact Name", "contactName", "Contact", "Display Name", "Person Name",
        "Contact Full Name", "Nom complet", "Referente", "Persona di contatto", "Ansprechpartner",
        "Persona de contacto", "Interlocuteur"),
    "contact.title": _keys(
        "Title", "Job Title", "JobTitle", "job_title", "Position", "Role", "Designation",
        "contactTitle", "Contact Title", "Headline", "Poste", "Fonction",
        "Organization Title", "Organization 1 - Title", "Job Function"),
    "contact.email": _keys(
        "Email", "E-mail", "Email Address", "E-mail Address", "Primary Email", "Work Email",
        "Business Email", "Emails", "Mail", "Courriel", "email_address", "Email 1",
        "Correo", "Correo electrónico", "Posta elettronica", "Adresse e-mail",
        "E-mail 1 - Value", "E-mail 2 - Value", "E-mail Address", "E-mail 2 Address",
        "E-mail 3 Address", "Secondary Email", "Email 2", "Other Email", "Personal Email"),
    "contact.linkedin_url": _keys(
        "LinkedIn", "LinkedIn URL", "Person Linkedin Url", "LinkedIn Profile", "Profile URL",
        "LinkedIn Profile URL", "Sales Navigator URL", "linkedin_url"),
    "contact.phone": _keys(
        "Phone", "Phone Number", "Telephone", "Tel", "Téléphone", "Phone 1", "Phone 2",
        "Phone 3", "Mobile", "Mobile Phone", "MobilePhone", "Mobile Number", "Mobile Phone Number",
        "Cell", "Cell Phone", "Work Phone", "Home Phone", "HomePhone", "Direct Phone",
        "Work Direct Phone", "First Phone", "Other Phone", "OtherPhone", "Corporate Phone",
        "Business Phone", "Direct Dial", "contact_numbers", "Phones", "Portable", "Handy",
        "Telefon", "Phone 1 - Value", "Phone 2 - Value", "AssistantPhone", "Telefono", "Teléfono",
        "Telefone", "Telefonnummer", "Mobiltelefon", "Cellulare", "Móvil", "Celular", "Numéro de téléphone",
        "Phone 3 - Value", "Business Phone 2", "Home Phone 2", "Car Phone", "Primary Phone",
        "Other Phone Number"),
    "contact.country": _keys(
        "Country", "MailingCountry", "Mailing Country", "Country/Region", "Work Country",
        "Pays", "Land", "Country Code", "Nation",
        "Business Country/Region", "Business Country", "Person Country"),
    "contact.region": _keys(
        "State", "Region", "Province", "MailingState", "Mailing State", "State/Region",
        "Work State", "State/Province", "County", "Bundesland",
        "Business State"),
    "contact.city": _keys(
        "City", "MailingCity", "Mailing City", "Work City", "Town", "Ville", "Commune", "Stadt",
        "Ort", "Location", "Business City", "Person City"),
    "contact.notes": _keys("Notes", "Note", "Comments", "Comment", "Remarks"),
    "contact.phone_extension": _keys("Extension", "Ext", "Ext.", "Phone Extension", "Durchwahl"),
    "account.name": _keys(
        "Company", "Company Name", "CompanyName", "companyName", "Account Name", "AccountName",
        "Account", "Organization", "Organisation", "Organization Name", "Employer",
        "Current Company", "Société", "Entreprise", "Firma", "Unternehmen", "Raison sociale",
        "Nom officiel du musée", "Business Name", "account_name",
        "Associated Company", "Organization 1 - Name", "Organization - Name", "Company / Account"),
    "account.website": _keys(
        "Website", "Web Site", "Website URL", "Company Website", "Company Domain Name",
        "Domain", "Company Domain", "Web Page 1", "Web Page", "Homepage", "URL", "Site web",
        "Site", "Webseite", "Company URL",
        "Company Website URL", "Organization - Website"),
    "account.industry": _keys("Industry", "Sector", "Branche", "Secteur", "Industry Type"),
    "account.employee_count": _keys(
        "Number of Employees", "NumberOfEmployees", "Employees", "# Employees",
        "Employee Count", "Company Size", "Headcount", "Staff"),
    "account.annual_revenue": _keys("Annual Revenue", "AnnualRevenue", "Revenue"),
    "account.phone": _keys(
        "Company Phone", "Account Phone", "Main Phone", "Switchboard", "Company Phone Number"),
    "account.country": _keys(
        "Company Country", "BillingCountry", "Billing Country", "Account Country",
        "Company Country/Region"),
    "account.region": _keys(
        "Company State", "BillingState", "Billing State", "Région administrative",
        "Company State/Region"),
    "account.city": _keys("Company City", "BillingCity", "Billing City"),
    "account.notes": _keys("Description", "Company Description", "About", "Account Description"),
    "record.is_company": _keys("Is a company", "Is Company", "Company Type", "is_company"),
    "record.parent_company": _keys("Related Company", "Parent Company", "parent_id"),
    # The row's own id ("contact.external_id" becomes "account.external_id" in a company list).
    "contact.external_id": _keys(
        "Id", "Record ID", "Contact ID", "ContactId", "Lead ID", "LeadId", "Customer Id", "customerID",
        "Apollo Contact Id", "Salesforce ID", "hs_object_id", "Person ID", "External ID"),
    # A contact row's company, by the other system's id (the company's own id in a company list).
    "contact.account_ref": _keys(
        "AccountId", "Account ID", "Associated Company ID", "Company ID", "CompanyId", "Organization Id",
        "OrganizationId", "organization_id", "Apollo Account Id", "Account Record ID",
        "Associated Company IDs", "Org ID"),
}

# Columns we know and deliberately leave out (so the report says "ignored", not "unknown").
_KNOWN_IGNORED = set(_keys(
    "Index", "User Id", "Fax", "Fax Number", "Pager Number", "Sex", "Gender", "Date of birth", "Birthday",
    "Subscription Date", "Email Status",
    "Company Name for Emails", "Nickname", "Screen Name", "Middle Name", "Suffix", "Department",
    "Email Opt Out", "Do Not Call", "Phone 1 - Type", "Phone 2 - Type",
    "E-mail 1 - Type", "E-mail 2 - Type", "Connected On", "E-mail Display Name", "Title Of Courtesy",
    "Salutation", "Postal Code", "ZIP", "Zip Code", "Code Postal",
))

_ALIAS_INDEX: dict[str, str] = {}
for _field, _names in _ALIASES.items():
    for _name in _names:
        _ALIAS_INDEX.setdefault(_name, _field)

# Salesforce report headers: "Account: Phone", "Contact: Email", "Lead: Company".
# Object prefixes: Salesforce reports ("Account: Phone", "Contact: Email", "Account.Name") and
# Pipedrive ("Person - Email", "Organization - Name").
_SCOPES = {"account": "account", "company": "account", "organization": "account",
           "organisation": "account", "contact": "contact", "lead": "contact", "person": "contact"}
_SCOPE_PREFIX = re.compile(r"^\s*([A-Za-z ]+?)\s*(?::|\.| - )\s*(.+)$")

_PHONE_LABELS = (("mobile", "mobile"), ("cell", "mobile"), ("handy", "mobile"),
                 ("portable", "mobile"), ("home", "home"), ("direct", "direct"),
                 ("corporate", "corporate"), ("work", "work"), ("business", "work"),
                 ("assistant", "assistant"), ("other", "other"))


def phone_label(header: str) -> str | None:
    key = normalise_header(header)
    for needle, label in _PHONE_LABELS:
        if needle in key:
            return label
    return None


def field_for_header(header: str) -> str | None:
    """The sdrdesk field a column most likely holds, or None when unknown."""
    scope = None
    name = header
    match = _SCOPE_PREFIX.match(header)
    if match and match.group(1).strip().casefold() in _SCOPES:
        scope, name = _SCOPES[match.group(1).strip().casefold()], match.group(2)
    key = normalise_header(name)
    if not key:
        return None
    if key in _KNOWN_IGNORED and scope is None:
        return IGNORE
    field = _ALIAS_INDEX.get(key)
    if field is None and " - " in name:
        # "Phone - Work", "Email - Home" (Pipedrive): the part before the dash says what it is.
        field = _ALIAS_INDEX.get(normalise_header(name.split(" - ", 1)[0]))
    if field is None and key not in _KNOWN_IGNORED and is_company_name_header(name):
        field = "account.name"
    if field is None and key not in _KNOWN_IGNORED and not key.startswith(("donot", "dont", "no")):
        if key.endswith(("phone", "phonenumber", "mobile", "mobilenumber", "telephone")) and "fax" not in key:
            field = "contact.phone"
        elif key.endswith(("email", "emails", "emailaddress", "courriel")):
            field = "contact.email"
    if scope == "account":
        # "Account: Account Name", "Account: Phone", "Account: Type"
        if key in ("name", "accountname", "companyname"):
            return "account.name"
        if key in ("id", "accountid", "recordid") or field == "contact.account_ref":
            return "account.external_id"
        if field and field.startswith("contact."):
            swapped = "account." + field.split(".", 1)[1]
            return swapped if swapped in ACCOUNT_FIELDS else None
        return field if field and field.startswith("account.") else None
    if scope == "contact":
        if key == "name":
            return "contact.full_name"
        if field and field.startswith("account.") and field != "account.name":
            return None
        return field
    if key == "name":
        return "contact.full_name"  # resolved to account.name for company-only files
    if field == "contact.phone" and phone_label(name) is None and "phone" in key:
        return field
    return field


def is_known_ignored(header: str) -> bool:
    return normalise_header(header) in _KNOWN_IGNORED
