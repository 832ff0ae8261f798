graph [
  name "Ring road town"
  attribution "synthetic map made for patrolsim"
  node [
    id 0
    label "Centre"
    x 0.0
    y 0.0
    weight 3.0
    start 1
  ]
  node [
    id 1
    label "R1"
    x 0.0
    y 600.0
    weight 1.0
    start 0
  ]
  node [
    id 2
    label "R2"
    x 300.0
    y 519.6
    weight 1.0
    start 0
  ]
  node [
    id 3
    label "R3"
    x 519.6
    y 300.0
    weight 1.0
    start 0
  ]
  node [
    id 4
    label "R4"
    x 600.0
    y 0.0
    weight 1.0
    start 0
  ]
  node [
    id 5
    label "R5"
    x 519.6
    y -300.0
    weight 1.0
    start 0
  ]
  node [
    id 6
    label "R6"
    x 300.0
    y -519.6
    weight 1.0
    start 0
  ]
  node [
    id 7
    label "R7"
    x 0.0
    y -600.0
    weight 1.0
    start 0
  ]
  node [
    id 8
    label "R8"
    x -300.0
    y -519.6
    weight 1.0
    start 0
  ]
  node [
    id 9
    label "R9"
    x -519.6
    y -300.0
    weight 1.0
    start 0
  ]
  node [
    id 10
    label "R10"
    x -600.0
    y -0.0
    weight 1.0
    start 0
  ]
  node [
    id 11
    label "R11"
    x -519.6
    y 300.0
    weight 1.0
    start 0
  ]
  node [
    id 12
    label "R12"
    x -300.0
    y 519.6
    weight 1.0
    start 0
  ]
  node [
    id 13
    label "M1"
    x 0.0
    y 300.0
    weight 2.0
    start 0
  ]
  node [
    id 14
    label "M4"
    x 300.0
    y 0.0
    weight 2.0
    start 0
  ]
  node [
    id 15
    label "M7"
    x 0.0
    y -300.0
    weight 2.0
    start 0
  ]
  node [
    id 16
    label "M10"
    x -300.0
    y -0.0
    weight 2.0
    start 0
  ]
  edge [
    source 0
    target 13
    length 300.0
  ]
  edge [
    source 0
    target 14
    length 300.0
  ]
  edge [
    source 0
    target 15
    length 300.0
  ]
  edge [
    source 0
    target 16
    length 300.0
  ]
  edge [
    source 1
    target 2
    length 314.2
  ]
  edge [
    source 1
    target 12
    length 314.2
  ]
  edge [
    source 1
    target 13
    length 300.0
  ]
  edge [
    source 2
    target 3
    length 314.2
  ]
  edge [
    source 3
    target 4
    length 314.2
  ]
  edge [
    source 4
    target 5
    length 314.2
  ]
  edge [
    source 4
    target 14
    length 300.0
  ]
  edge [
    source 5
    target 6
    length 314.2
  ]
  edge [
    source 6
    target 7
    length 314.2
  ]
  edge [
    source 7
    target 8
    length 314.2
  ]
  edge [
    source 7
    target 15
    length 300.0
  ]
  edge [
    source 8
    target 9
    length 314.2
  ]
  edge [
    source 9
    target 10
    length 314.2
  ]
  edge [
    source 10
    target 11
    length 314.2
  ]
  edge [
    source 10
    target 16
    length 300.0
  ]
  edge [
    source 11
    target 12
    length 314.2
  ]
  edge [
    source 13
    target 14
    length 424.3
  ]
  edge [
    source 14
    target 15
    length 424.3
  ]
]
