import factory
from factory.django import DjangoModelFactory

from partners.enums import PartnerKind
from partners.models import Partner, User

DEFAULT_PASSWORD = "motdepasse-de-test-42"


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["name", "kind"]

    name = factory.Sequence(lambda n: f"Association de prévention n°{n}")
    kind = PartnerKind.ASSOCIATION

    class Params:
        police = factory.Trait(
            name=factory.Sequence(lambda n: f"Police municipale {n}"), kind=PartnerKind.MUNICIPAL_POLICE
        )
        mildeca = factory.Trait(name="MILDECA", acronym="MILDECA", kind=PartnerKind.MILDECA)
        prefecture = factory.Trait(
            name=factory.Sequence(lambda n: f"Préfecture {n}"), acronym="PREF", kind=PartnerKind.PREFECTURE
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    partner = factory.SubFactory(PartnerFactory)
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True, is_superuser=True)


class ApiTokenFactory(DjangoModelFactory):
    """A token made as the account page makes it (partners.tokens.token_create); the token itself, shown once to
    its owner, is in `.raw`. `ApiTokenFactory(read_only=False)` may write."""

    class Meta:
        model = "partners.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")
    read_only = True

    @classmethod
    def _create(cls, model_class, *, user, name, read_only, **kwargs):
        from partners.tokens import token_create

        token, raw = token_create(user=user, name=name, read_only=read_only)
        token.raw = raw
        return token
