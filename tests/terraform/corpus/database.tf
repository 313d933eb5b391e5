/*
 * The orders database.
 */
resource "aws_db_instance" "orders" {
  identifier              = "orders-${var.env}"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = var.env == "production" ? "db.r6g.large" : "db.t4g.small"
  allocated_storage       = 100
  max_allocated_storage   = 1000
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.db.arn
  backup_retention_period = 30
  deletion_protection     = true
  skip_final_snapshot     = false
  multi_az                = true
  monitoring_interval     = 60
  publicly_accessible     = false // never public
  parameter_group_name    = aws_db_parameter_group.orders.name

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [engine_version]
  }

  timeouts {
    create = "60m"
    delete = "2h"
  }
}

resource "aws_db_parameter_group" "orders" {
  family = "postgres16"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}
