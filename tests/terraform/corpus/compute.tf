resource "aws_launch_template" "nodes" {
  name_prefix   = "nodes-"
  image_id      = data.aws_ami.eks.id
  instance_type = "m6i.large"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      volume_type = "gp3"
      encrypted   = true
    }
  }

  monitoring {
    enabled = true
  }
}

resource "aws_autoscaling_group" "nodes" {
  min_size            = 2
  max_size            = 10
  desired_capacity    = 3
  vpc_zone_identifier = ["subnet-a", "subnet-b", "subnet-c"]

  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "node"
    propagate_at_launch = true
  }
}

resource "google_container_cluster" "main" {
  name               = "main"
  location           = "europe-west1"
  logging_service    = "logging.googleapis.com/kubernetes"
  monitoring_service = "monitoring.googleapis.com/kubernetes"

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}
