from di4c.capacity import frameworks
from di4c.maturity.management.commands.frameworks import Command as FrameworksCommand


class Command(FrameworksCommand):
    help = "Check or install skills framework files (YAML)."
    check_text = staticmethod(frameworks.check_text)
    load_text = staticmethod(frameworks.load_text)
    builtin_files = staticmethod(frameworks.builtin_files)

    def describe(self, clean: dict) -> str:
        count = sum(len(area["competences"]) for area in clean["areas"])
        return f"{len(clean['areas'])} areas, {count} competences, {len(clean['roles'])} roles"
