from django.core.management.base import BaseCommand

from regions.models import ActorType, County, Municipality, PostalCode, Topic
from regions.reference import load_reference_data


class Command(BaseCommand):
    help = "Load (or refresh) counties, municipalities, postal codes, topics and actor types."

    def handle(self, *args, **options):
        counts = load_reference_data(County, Municipality, PostalCode, Topic, ActorType)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
