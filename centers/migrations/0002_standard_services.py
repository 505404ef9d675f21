"""The standard service tags of the articles (000, 001): 党员教育, 政务服务, 长者助餐, 430学堂..."""

from django.db import migrations

STANDARD = ["党员教育", "政务服务", "长者助餐", "430学堂", "法律咨询", "志愿服务", "文体活动", "心理咨询", "就业服务"]


def add(apps, schema_editor):
    Service = apps.get_model("centers", "Service")
    for position, name in enumerate(STANDARD):
        Service.objects.get_or_create(name=name, defaults={"position": position})


def remove(apps, schema_editor):
    apps.get_model("centers", "Service").objects.filter(name__in=STANDARD, centers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_centers_hours_rooms_photos")]
    operations = [migrations.RunPython(add, remove)]
