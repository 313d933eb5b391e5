terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

module "db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "6.1.1"

  identifier          = "orders"
  storage_encrypted   = true
  deletion_protection = true
  multi_az            = false
  backup_window       = "03:00-06:00"

  providers = {
    aws = aws.us
  }
}

module "local_alarms" {
  source    = "./modules/alarms"
  queues    = ["orders", "payments"]
  threshold = 1e3
}

moved {
  from = aws_s3_bucket.old
  to   = aws_s3_bucket.assets
}

removed {
  from = aws_instance.legacy
  lifecycle {
    destroy = false
  }
}

import {
  to = aws_s3_bucket.assets
  id = "assets-bucket"
}
