variable "env" {
  type        = string
  description = "Deployment environment: \"staging\" or \"production\"."

  validation {
    condition     = contains(["staging", "production"], var.env)
    error_message = "The env must be staging or production."
  }
}

variable "parameters" {
  type    = map(string)
  default = {}
}

variable "sns_critical_arn" {
  type      = string
  sensitive = true
  nullable  = false
}

variable "ratio" {
  type    = number
  default = 0.25
}

variable "flags" {
  type = object({
    enabled = bool
    names   = list(string)
  })
  default = {
    enabled = true
    names   = ["a", "b"]
  }
}
