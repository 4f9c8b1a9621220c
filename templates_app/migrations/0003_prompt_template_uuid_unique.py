import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('templates_app', '0002_versions_experiments_uuid'),
    ]

    operations = [
        migrations.AlterField(
            model_name='prompttemplate',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
