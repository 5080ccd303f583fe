from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0003_covering_period_index')]

    initial = False

    operations = [
        ops.AddConstraint(
            model_name='Task',
            constraint=UniqueConstraint(fields=('title', 'issued_by', 'period_start', 'period_end'), name=None),
        ),
    ]
